namespace MailserverWorkers.SpamRetention;

/// <summary>
/// A directory entry's kind, numbered as <c>d_type</c> is (and <c>st_mode &gt;&gt; 12</c>); <see cref="Unknown"/> where
/// the file system does not say, <see cref="Unnamed"/> for a name that is not UTF-8 or holds control characters (it could not be named back exactly, or safely).
/// </summary>
internal enum FileKind : byte
{
    Unknown = 0,
    Fifo = 1,
    CharacterDevice = 2,
    Directory = 4,
    BlockDevice = 6,
    Regular = 8,
    SymbolicLink = 10,
    Socket = 12,
    Unnamed = 255,
}
