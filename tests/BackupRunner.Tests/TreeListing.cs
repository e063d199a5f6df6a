using System.Security.Cryptography;
using System.Text;

namespace MailserverWorkers.BackupRunner.Tests;

/// <summary>One entry as GNU find reports it.</summary>
internal sealed record TreeEntry(string Path, char Type, string Mode, string Owner, string Group, long Size, string ModifiedAt, int Links, string LinkTarget, long Blocks, ulong Inode, string? ContentHash);

/// <summary>
/// A tree as GNU find and getfattr see it, read independently of the code under test: type, mode, numeric owner
/// and group, size, mtime to the nanosecond, link count, link target, allocated blocks, inode, SHA-256 of contents,
/// and every extended attribute (ACLs included) in hex.
/// </summary>
internal sealed class TreeListing
{
    private TreeListing(IReadOnlyList<TreeEntry> entries, string attributes)
    {
        Entries = entries;
        Attributes = attributes;
    }

    public IReadOnlyList<TreeEntry> Entries { get; }

    /// <summary>getfattr's dump of every entry's extended attributes, paths relative to the root.</summary>
    public string Attributes { get; }

    public TreeEntry this[string path] => Entries.Single(e => e.Path == path);

    public static async Task<TreeListing> ReadAsync(string root)
    {
        var fields = (await BackupVolumes.RunInAsync(root, "find", ".", "-printf", @"%P\0%y\0%m\0%U\0%G\0%s\0%T@\0%n\0%l\0%b\0%i\0")).Split('\0');
        var entries = new List<TreeEntry>();
        for (var i = 0; i + 11 <= fields.Length; i += 11)
        {
            var path = fields[i];
            var type = fields[i + 1][0];
            string? hash = null;
            if (type == 'f')
            {
                await using var file = File.OpenRead(Path.Join(root, path));
                hash = Convert.ToHexString(await SHA256.HashDataAsync(file));
            }

            entries.Add(new TreeEntry(path, type, fields[i + 2], fields[i + 3], fields[i + 4], long.Parse(fields[i + 5]), fields[i + 6],
                int.Parse(fields[i + 7]), fields[i + 8], long.Parse(fields[i + 9]), ulong.Parse(fields[i + 10]), hash));
        }

        var attributes = await BackupVolumes.RunInAsync(root, "getfattr", "-R", "-P", "-h", "-d", "-m", "-", "-e", "hex", ".");
        return new TreeListing(entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList(), NormalizeAttributes(attributes));
    }

    /// <summary>
    /// What a restore must reproduce, one line per entry below the root (the root is the folder the tree was put
    /// in): everything but the inode, the blocks (file systems allocate differently) and the size of folders (which
    /// depends on the folder's history, not its contents).
    /// </summary>
    public IReadOnlyList<string> Comparable() => Entries
        .Where(e => e.Path.Length > 0)
        .Select(e => $"{e.Path} {e.Type} {e.Mode} {e.Owner}:{e.Group} {(e.Type == 'd' ? "-" : e.Size)} {e.ModifiedAt} links={e.Links} -> {e.LinkTarget} {e.ContentHash}")
        .ToList();

    /// <summary>Fails naming the first entry that differs, rather than a position in a list of hundreds.</summary>
    public static void AssertSame(TreeListing expected, TreeListing actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var missing = expected.Comparable().Except(actual.Comparable()).FirstOrDefault();
        var extra = actual.Comparable().Except(expected.Comparable()).FirstOrDefault();
        Assert.True(missing is null && extra is null, $"expected: {missing}\nbut found: {extra}");
        Assert.Equal(expected.Comparable().Count, actual.Comparable().Count);
    }

    /// <summary>Which paths share an inode (hard links), as sets of paths.</summary>
    public IReadOnlyList<string> HardLinkGroups() => Entries
        .Where(e => e.Type == 'f')
        .GroupBy(e => e.Inode)
        .Where(g => g.Count() > 1)
        .Select(g => string.Join(" = ", g.Select(e => e.Path).Order(StringComparer.Ordinal)))
        .Order(StringComparer.Ordinal)
        .ToList();

    private static string NormalizeAttributes(string dump)
    {
        // getfattr prints one "# file: <path>" block per entry with attributes; blocks come in walk order: sort them.
        var blocks = dump.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(b => b.Trim()).Order(StringComparer.Ordinal);
        return string.Join("\n\n", blocks);
    }
}
