// The Aspire AppHost (built when UseAspire is true, the default). Written against Aspire 13.1's
// API but NOT compiled or run on the project's build machines, whose package feed lacks the Aspire
// packages: the local launcher (Launcher/, UseAspire=false) is what CI runs. Both give the services
// the same environment; keep them in step (docs/architecture.md lists it).
using AgentMail.AppHost.Model;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres (database "mailstore") and Redis: containers when run locally, Azure services when
// published with azd (see AzureDeployment.cs for why their authentication is changed).
var mailstore = builder.AddMailstore();
var redis = builder.AddRedisForNotifications();

// The API key the REST API accepts, generated once and kept in user secrets (run) or by azd (publish).
var apiKey = builder.AddParameter("api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Every service gets the same development certificate folder, so mail clients trust one certificate.
var developmentCertificates = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "tls"));

var api = builder.AddProject<Projects.AgentMail_Api>("api")
    .WithMailbox(mailstore, redis)
    .WithEnvironment("Api__Keys__0", apiKey)
    .WithExternalHttpEndpoints();

// Mail endpoints: `port` is what a mail client uses on this machine (the DCP proxy listens there),
// `targetPort` is what the process or container listens on, handed over in the `env` variable.
// All unprivileged, because containers run as a non-root user; Container Apps maps 993 → 9993 etc.
builder.AddProject<Projects.AgentMail_Imap>("imap")
    .WithMailbox(mailstore, redis)
    .WithReference(api)
    .WithEndpoint(name: "imap", scheme: "tcp", port: 1143, targetPort: MailTargetPorts.Imap, env: "IMAP_PORT")
    .WithEndpoint(name: "imaps", scheme: "tcp", port: 1993, targetPort: MailTargetPorts.Imaps, env: "IMAPS_PORT")
    .WithDevelopmentCertificates(developmentCertificates)
    .WithPublicMailIngress(primary: ("imaps", 993, MailTargetPorts.Imaps), additional: [("imap", 143, MailTargetPorts.Imap)]);

builder.AddProject<Projects.AgentMail_Smtp>("smtp")
    .WithMailbox(mailstore, redis)
    .WithReference(api)
    .WithEndpoint(name: "smtp", scheme: "tcp", port: 1587, targetPort: MailTargetPorts.Submission, env: "SMTP_PORT")
    .WithEndpoint(name: "smtps", scheme: "tcp", port: 1465, targetPort: MailTargetPorts.Submissions, env: "SMTPS_PORT")
    .WithEndpoint(name: "mx", scheme: "tcp", port: 1025, targetPort: MailTargetPorts.Mx, env: "SMTP_MX_PORT")
    .WithDevelopmentCertificates(developmentCertificates)
    .WithPublicMailIngress(primary: ("smtps", 465, MailTargetPorts.Submissions),
        additional: [("smtp", 587, MailTargetPorts.Submission), ("mx", 25, MailTargetPorts.Mx)]);

builder.AddProject<Projects.AgentMail_Webhooks>("webhooks")
    .WithMailbox(mailstore, redis)
    .WithReference(api);

builder.Build().Run();
