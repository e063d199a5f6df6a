namespace MailserverWorkers.SpamRetention.Tests;

/// <summary>Tests that fill and empty retention@ run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RetentionMailboxCollection
{
    public const string Name = "retention mailbox";
}
