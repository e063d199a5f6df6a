namespace MailserverWorkers.RoundtripProbe;

/// <summary>Values of <c>Probe__Sender</c>.</summary>
public enum ProbeSenderKind
{
    /// <summary>SMTP submission with MailKit.</summary>
    Smtp,

    /// <summary>Brevo's transactional email API.</summary>
    Brevo,
}
