using MailserverWorkers.Shared.Native;

namespace MailserverWorkers.Shared.Configuration;

/// <summary>
/// A file the configuration names (<c>--config</c>, a <c>&lt;Key&gt;File</c>): it must be a regular file, after
/// symbolic links (a mounted Secret's key is a link into <c>..data/</c>). A FIFO would block the worker before it
/// logs anything, a device could be read without end: each is refused with one line naming the key and what it is.
/// </summary>
public static class ConfigurationFile
{
    /// <summary>Throws <see cref="WorkerConfigurationException"/> unless <paramref name="path"/> is a regular file.</summary>
    public static void RequireRegular(string key, string path)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Problem(path, key.EndsWith("File", StringComparison.Ordinal)) is { } problem)
        {
            throw new WorkerConfigurationException($"{key}: {problem}");
        }
    }

    /// <summary>
    /// Why <paramref name="path"/> is not a regular file one may read (<c>'/x' is a FIFO, not a file</c>), or null; for
    /// validators, which add the key themselves. <paramref name="secretFileKey"/>: the key is a <c>&lt;Key&gt;File</c>,
    /// whose folder is most likely a mounted Secret.
    /// </summary>
    public static string? Problem(string path, bool secretFileKey = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Libc.Statx(Libc.AtFdcwd, path, 0, StatxBuffer.BasicStats, out var status) != 0)
        {
            return System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Libc.ENOENT
                ? $"file '{path}' does not exist"
                : $"file '{path}' cannot be read: {Libc.LastError()}";
        }

        var kind = status.Type switch
        {
            StatxBuffer.RegularFileType => null,
            StatxBuffer.DirectoryType => secretFileKey ? "a folder, not a file (name the key's file inside it)" : "a folder, not a file",
            StatxBuffer.FifoType => "a FIFO, not a file",
            StatxBuffer.SocketType => "a socket, not a file",
            StatxBuffer.CharacterDeviceType => "a character device, not a file",
            StatxBuffer.BlockDeviceType => "a block device, not a file",
            _ => "not a regular file",
        };
        return kind is null ? null : $"'{path}' is {kind}";
    }
}
