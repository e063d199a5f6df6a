using Microsoft.Extensions.Logging;

namespace MailserverWorkers.BackupRunner;

/// <summary>
/// Whether the destination keeps POSIX ACLs and extended attributes, learned by setting each on a scratch file
/// there. rsync's <c>--acls</c>/<c>--xattrs</c> fail the whole copy on a file system without them (many NFS
/// exports), so with <c>auto</c> they are used exactly where they work, and the log says which.
/// </summary>
public sealed record DestinationFeatures(bool Acls, bool Xattrs)
{
    // A minimal access ACL (version 2; user::rw-, group::r--, other::r--), as the kernel's posix_acl_xattr format has it.
    private static readonly byte[] MinimalAcl =
    [
        2, 0, 0, 0,
        0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,
        0x04, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
        0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,
    ];

    public static DestinationFeatures Detect(string folder, AutoSwitch aclsSetting, AutoSwitch xattrsSetting, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        bool? acls = Setting(aclsSetting), xattrs = Setting(xattrsSetting);
        if (acls is null || xattrs is null)
        {
            var probe = Path.Join(folder, $".backup-runner.probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            try
            {
                acls ??= NativeFileSystem.TrySetAttribute(probe, "system.posix_acl_access", MinimalAcl);
                xattrs ??= NativeFileSystem.TrySetAttribute(probe, "user.backup-runner", "1"u8);
            }
            finally
            {
                File.Delete(probe);
            }

            logger.LogInformation(
                "ACLs {Acls}, extended attributes {Xattrs} ({Folder})",
                acls.Value ? "preserved" : "not preserved: the destination does not support them",
                xattrs.Value ? "preserved" : "not preserved: the destination does not support them",
                folder);
        }

        return new DestinationFeatures(acls.Value, xattrs.Value);
    }

    private static bool? Setting(AutoSwitch value) => value switch { AutoSwitch.True => true, AutoSwitch.False => false, _ => null };
}
