namespace MailserverWorkers.HaproxyHealth;

/// <summary>The phases of an attempt, each timed on its own (README "haproxy-health", phases); the <c>phase</c> label.</summary>
public enum PathPhase
{
    /// <summary>The TCP connect: from the connect call (the address resolved before) to the connection.</summary>
    Connect,

    /// <summary>From the moment the client waits for the greeting to its first byte.</summary>
    Greeting,

    /// <summary>The TLS handshake (smtps and imaps at the start, STARTTLS after the server's 220).</summary>
    Tls,

    /// <summary>The whole attempt: from the connect call to the end of the check (QUIT answered, LOGOUT sent).</summary>
    Attempt,
}
