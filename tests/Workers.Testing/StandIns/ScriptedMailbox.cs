namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// The one message a <see cref="ScriptedSmtpServer"/> accepted and a <see cref="ScriptedImapServer"/> serves, so a round
/// trip can run through the scripted peers alone: UID 1 while it is there, gone once expunged. A delivery becomes
/// visible after <see cref="DeliveryDelay"/>, as a real server's queue takes a moment: a client that looks once
/// right after the send then has to wait for it (IDLE).
/// </summary>
public sealed class ScriptedMailbox(TimeSpan deliveryDelay = default)
{
    private readonly Lock gate = new();
    private string? subject;
    private DateTimeOffset visibleFrom;
    private int expunged;

    public TimeSpan DeliveryDelay { get; } = deliveryDelay;

    /// <summary>The accepted message's Subject; null before a message arrived and after it was expunged.</summary>
    public string? Subject
    {
        get
        {
            lock (gate)
            {
                return DateTimeOffset.UtcNow >= visibleFrom ? subject : null;
            }
        }
    }

    /// <summary>How many messages the IMAP peer expunged.</summary>
    public int Expunged => Volatile.Read(ref expunged);

    public void Deliver(string messageSubject)
    {
        lock (gate)
        {
            subject = messageSubject;
            visibleFrom = DateTimeOffset.UtcNow + DeliveryDelay;
        }
    }

    public void Expunge()
    {
        lock (gate)
        {
            subject = null;
        }

        Interlocked.Increment(ref expunged);
    }
}
