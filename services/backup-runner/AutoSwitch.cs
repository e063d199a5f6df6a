namespace MailserverWorkers.BackupRunner;

/// <summary>Values of <c>Backup__Acls</c>, <c>Backup__Xattrs</c> and <c>Backup__MaildirAware</c>: <c>auto</c>, <c>true</c>, <c>false</c>.</summary>
public enum AutoSwitch
{
    /// <summary>Decided by what the run finds (the destination's support, the source's Maildir folders).</summary>
    Auto,

    True,

    False,
}
