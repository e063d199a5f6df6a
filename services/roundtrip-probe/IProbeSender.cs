namespace MailserverWorkers.RoundtripProbe;

/// <summary>
/// Hands the probe mail to a relay. One attempt only: the send is part of what is probed, and a retried send would
/// hide the very fault the probe exists to see. Failures throw <see cref="ProbeFailedException"/> or <see cref="MailserverWorkers.Shared.Mail.MailOperationException"/> with the relay's words.
/// </summary>
public interface IProbeSender
{
    /// <summary>
    /// Hands <paramref name="mail"/> to the relay once <paramref name="ready"/> (the IMAP side logged in and watching) has
    /// completed, and not before: the relay is reached and logged in to meanwhile, so the probe's first SMTP command does
    /// not wait for IMAP, but a failed IMAP login still costs no probe mail (nothing is sent; its exception is rethrown).
    /// </summary>
    Task SendAsync(ProbeMail mail, Task ready, CancellationToken cancellationToken);

    /// <summary>What <c>--check</c> proves of the relay: it answers and takes the credentials; nothing is sent.</summary>
    string CheckDescription { get; }

    /// <summary>Reaches the relay and logs in (or asks the API who it is), sending nothing.</summary>
    Task CheckAsync(CancellationToken cancellationToken);
}
