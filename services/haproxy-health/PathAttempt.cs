namespace MailserverWorkers.HaproxyHealth;

/// <summary>One connection to a target: whether it did what the target expects, and how long each step took.</summary>
/// <param name="Error">Why it failed, in a few words; null when it succeeded.</param>
/// <param name="Connect">TCP connect.</param>
/// <param name="Banner">From the start of the connect to the first byte of the server's greeting, if one came.</param>
/// <param name="Greeting">From the moment the client waited for the greeting to its first byte (<see cref="CheckTimings.Greeting"/>).</param>
/// <param name="TlsHandshake">The TLS handshake alone, for the TLS protocols.</param>
/// <param name="CertificateNotAfter">The end of the server certificate's validity, for the TLS protocols.</param>
/// <param name="Total">From the start of the connect to the end of the check.</param>
/// <param name="Refusal">For reject-without-proxy: how the listener refused (its reply, "closed" or "reset").</param>
public sealed record PathAttempt(
    bool Succeeded,
    string? Error,
    TimeSpan? Connect,
    TimeSpan? Banner,
    TimeSpan? Greeting,
    TimeSpan? TlsHandshake,
    DateTimeOffset? CertificateNotAfter,
    TimeSpan Total,
    string? Refusal = null);
