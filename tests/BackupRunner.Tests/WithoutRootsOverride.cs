using System.Runtime.InteropServices;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>
/// Runs code on a thread of its own whose effective capabilities lack CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
/// CAP_FOWNER: file permissions then bind it as they bind an ordinary user, though the test runs as root (as CI
/// does). Capabilities are per thread on Linux (capset(2)), so nothing else in the process is affected, and the
/// thread ends with the code.
/// </summary>
internal static partial class WithoutRootsOverride
{
    private const uint Version3 = 0x20080522;
    private const int DacOverride = 1, DacReadSearch = 2, Fowner = 3;

    public static void Run(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Drop();
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private static void Drop()
    {
        var header = new CapHeader { Version = Version3, Pid = 0 };
        var data = default(CapDataPair);
        if (capget(ref header, ref data) != 0)
        {
            throw new InvalidOperationException($"capget failed: errno {Marshal.GetLastPInvokeError()}");
        }

        data.Low.Effective &= ~((1u << DacOverride) | (1u << DacReadSearch) | (1u << Fowner));
        if (capset(ref header, ref data) != 0)
        {
            throw new InvalidOperationException($"capset failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    /// <summary>Version 3 takes two of them: capabilities 0-31, then 32-63.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct CapDataPair
    {
        public CapData Low;
        public CapData High;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capget(ref CapHeader header, ref CapDataPair data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capset(ref CapHeader header, ref CapDataPair data);
}
