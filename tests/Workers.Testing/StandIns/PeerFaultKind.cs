namespace MailserverWorkers.Testing.StandIns;

/// <summary>What a scripted peer does instead of answering, at the step a <see cref="PeerFault"/> names.</summary>
public enum PeerFaultKind
{
    /// <summary>Says nothing more; the connection stays open.</summary>
    Stall,

    /// <summary>Resets the connection (RST).</summary>
    Reset,

    /// <summary>Closes the connection cleanly (FIN) without answering.</summary>
    Close,

    /// <summary>Sends one byte a second of a line that never ends: every read succeeds, no answer completes.</summary>
    Trickle,

    /// <summary>Sends 64 MiB without a line feed as fast as the client reads, then stalls.</summary>
    UnterminatedLine,

    /// <summary>Sends continuation lines without end (<c>250-...</c>, <c>* OK ...</c>).</summary>
    EndlessLines,

    /// <summary>Sends a line of binary garbage (control bytes, NUL, bytes above 127) as its answer.</summary>
    Garbage,

    /// <summary>Answers success and does not do it: SMTP's 250 for a message it drops, IMAP's SEARCH that finds nothing.</summary>
    Lie,
}
