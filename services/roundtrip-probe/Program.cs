using MailserverWorkers.RoundtripProbe;
using MailserverWorkers.Shared.Hosting;

var worker = new WorkerDefinition(
    "roundtrip-probe",
    "sends a marked mail, waits for it over IMAP, deletes it, pushes metrics and an Uptime Kuma heartbeat.",
    """
    Configuration (environment variables; any *Password, *ApiKey, *Token or *PushUrl may instead name a file with <Key>File):
      Probe__Sender (smtp|brevo), Probe__From, Probe__To, Probe__Deadline (00:05:00), Probe__UseIdle (true),
      Probe__PollInterval (00:00:20), Probe__JunkFolder,
      Probe__SubjectPrefix (e2e-probe), Probe__MarkerHeader, Probe__CleanupMaxMessages (500), Probe__AuthServId
      Smtp__Host, Smtp__Port (587), Smtp__Security (None|StartTls|SslOnConnect), Smtp__Username, Smtp__Password, Smtp__Timeout
      Brevo__ApiKey, Brevo__BaseUrl (https://api.brevo.com), Brevo__Timeout
      Imap__Host, Imap__Port (993), Imap__Security, Imap__Username, Imap__Password, Imap__Timeout (00:00:10)
      Tls__CaFile, Pushgateway__Url, Pushgateway__Job (email-roundtrip), Pushgateway__Labels__<name>, UptimeKuma__PushUrl

    Exit codes: 0 mail reached INBOX and a report was delivered; 1 round trip failed, or every report failed;
      2 configuration invalid; 3 mail arrived in the junk folder; 130 stopped by a signal.
    """,
    RoundtripMetrics.Prefix,
    RoundtripMetrics.DefaultJob);

return await WorkerHost.RunAsync(args, worker, builder => builder.Services.AddRoundtripProbe());
