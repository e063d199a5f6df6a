namespace MailserverWorkers.Testing.StandIns;

/// <summary>
/// The one message a <see cref="ScriptedSmtpServer"/> accepted and a <see cref="ScriptedImapServer"/> serves, so a round
/// trip can run through the scripted peers alone: UID 1 while it is there, gone once expunged. An accepted message
/// stays in the queue until a client idles (<see cref="ArriveWhileIdling"/>), as mail that arrives while the probe
/// waits: the probe's first SEARCH after the send always finds nothing and the arrival always comes through IDLE,
/// whatever the machine's load (a delay in time let a slow run find the mail by SEARCH and never reach IDLE).
/// </summary>
public sealed class ScriptedMailbox
{
    private readonly Lock gate = new();
    private string? queued;
    private string? subject;
    private int expunged;

    /// <summary>The delivered message's Subject; null before it arrived and after it was expunged.</summary>
    public string? Subject
    {
        get
        {
            lock (gate)
            {
                return subject;
            }
        }
    }

    /// <summary>How many messages the IMAP peer expunged.</summary>
    public int Expunged => Volatile.Read(ref expunged);

    public void Deliver(string messageSubject)
    {
        lock (gate)
        {
            queued = messageSubject;
        }
    }

    /// <summary>Delivers the queued message, if any: called by the IMAP peer once a client idles.</summary>
    public void ArriveWhileIdling()
    {
        lock (gate)
        {
            subject ??= queued;
            queued = null;
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
