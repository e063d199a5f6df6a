namespace MailserverWorkers.SpamRetention.Tests;

public sealed class DoveadmTests
{
    [Fact]
    public void UidSets_CompressRunsIntoRanges() =>
        Assert.Equal(["1:3,5,7:8,10"], Doveadm.UidSets([8, 1, 2, 3, 5, 7, 10, 2]));

    [Fact]
    public void UidSets_SplitLongSetsIntoCommandSizedPieces()
    {
        var sets = Doveadm.UidSets(Enumerable.Range(0, 3000).Select(i => (long)i * 2 + 1), maxLength: 100).ToList();

        Assert.All(sets, s => Assert.True(s.Length <= 100));
        Assert.Equal(3000, sets.Sum(s => s.Split(',').Length));
    }
}
