namespace MailserverWorkers.RoundtripProbe.Tests;

/// <summary>
/// Tests that send to and clean the stack's mailboxes run one at a time: each probe's cleanup deletes every probe
/// mail it finds, another test's included.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MailStackCollection
{
    public const string Name = "mail stack mailboxes";
}
