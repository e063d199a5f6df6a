using MailserverWorkers.Shared.Hosting;
using MailserverWorkers.SpamRetention;

var worker = new WorkerDefinition(
    "spam-retention",
    "deletes automated mail after 14 days and other mail after 90 days from the catch-all mailbox, reading headers only.",
    """
    Commands: run (default) | profile [--json]; --dry-run (say, delete nothing); --force (past the caps)

    Configuration (environment variables; *Password may be given as <Key>File):
      Retention__Backend (dovecot|imap|maildir), Retention__User, Retention__Mailbox (INBOX), Retention__Maildir,
      Retention__AutomatedAfter (14.00:00:00), Retention__HumanAfter (90.00:00:00), Retention__MaxDeletePercent (50),
      Retention__MaxDelete (5000), Retention__PresenceMarkers (List-Unsubscribe), Retention__PrecedenceValues
      (bulk,list,junk), Retention__AutoSubmitted (true)
      Dovecot__Runner (local|kubernetes), Dovecot__DoveadmPath (doveadm), Dovecot__ConfigFile, Dovecot__Timeout
      Kubernetes__Namespace, Kubernetes__LabelSelector, Kubernetes__Container, Kubernetes__Kubeconfig
      Imap__* and Tls__CaFile (imap backend), Pushgateway__* (job spam-retention), UptimeKuma__PushUrl (and __Attempts, __RetryDelay, __AttemptTimeout)

    Exit codes: 0 done; 1 the run failed (mailbox unreadable, doveadm or IMAP failed); 2 configuration invalid;
      3 refused: more would be deleted than the caps allow (nothing was deleted; a dry run: a real run would refuse);
      130 stopped by a signal.
    """,
    RetentionMetrics.Prefix,
    RetentionMetrics.DefaultJob);

return await WorkerHost.RunAsync(args, worker, builder => builder.Services.AddSpamRetention(builder.Configuration));
