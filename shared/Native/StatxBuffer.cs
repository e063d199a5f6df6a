using System.Runtime.InteropServices;

// The members are the system calls, flags and fields of the same names (man 2 open, statx, flock ...).
#pragma warning disable CS1591

namespace MailserverWorkers.Shared.Native;

/// <summary>
/// struct statx (linux/stat.h), the fields the workers read: one layout on every architecture, unlike struct stat.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
public struct StatxBuffer
{
    /// <summary>STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | ... | STATX_BLOCKS: the basic fields.</summary>
    public const uint BasicStats = 0x7ff;

    [FieldOffset(16)] public uint LinkCount;
    [FieldOffset(20)] public uint Owner;
    [FieldOffset(24)] public uint Group;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Inode;
    [FieldOffset(40)] public ulong Size;
    [FieldOffset(48)] public ulong Blocks;
    [FieldOffset(96)] public long ChangedSeconds;
    [FieldOffset(104)] public uint ChangedNanoseconds;
    [FieldOffset(112)] public long ModifiedSeconds;
    [FieldOffset(120)] public uint ModifiedNanoseconds;
    [FieldOffset(136)] public uint DeviceMajor;
    [FieldOffset(140)] public uint DeviceMinor;

    /// <summary>Values of <see cref="Type"/> (S_IFREG, S_IFDIR, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK).</summary>
    public const int RegularFileType = 0x8000, DirectoryType = 0x4000, FifoType = 0x1000, SocketType = 0xC000, CharacterDeviceType = 0x2000, BlockDeviceType = 0x6000;

    /// <summary>The file type bits of <see cref="Mode"/> (S_IFMT).</summary>
    public readonly int Type => Mode & 0xF000;

    public readonly bool IsRegularFile => Type == RegularFileType;

    public readonly DateTimeOffset ModifiedAt => DateTimeOffset.FromUnixTimeSeconds(ModifiedSeconds).AddTicks(ModifiedNanoseconds / 100);

    public readonly DateTimeOffset ChangedAt => DateTimeOffset.FromUnixTimeSeconds(ChangedSeconds).AddTicks(ChangedNanoseconds / 100);
}
