using System.Globalization;
using System.Text.Json;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Real mail clients against the real server over TLS: Python's imaplib, Node's imapflow, curl
/// (IMAPS and IMAP with STARTTLS) and mutt. Each signs in, lists folders with their special use,
/// fetches, flags, moves, deletes, appends, and idles while another surface (the mailbox core, as
/// the API and SMTP use it) changes the mailbox — and the result is checked in the core.
/// </summary>
public sealed class RealClientTests
{
    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Python_imaplib_session()
    {
        var python = ClientProcess.Require("python3", "python3");
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("imaplib");
        var first = await server.DeliverAsync(grant, "First for imaplib");
        var second = await server.DeliverAsync(grant, "Second for imaplib");
        var third = await server.DeliverAsync(grant, "Third for imaplib");

        await using var client = ClientProcess.Start(python, [Path.Combine(ClientProcess.ClientsDirectory, "imap", "imaplib-session.py"),
            "localhost", Port(server.ImapsPort), server.CertificatePath, grant.Email, ImapTestServer.Password]);
        await client.WaitForLineAsync(l => l == "IDLING");
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(third.Id), FlagChange.Add(MessageFlags.Seen));
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var output = client.Output;
        Assert.True(output.Contains("LOGIN OK", StringComparison.Ordinal), "LOGIN OK" + " not in:\n" + output);
        Assert.True(output.Contains("LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", StringComparison.Ordinal), "LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"" + " not in:\n" + output);
        Assert.True(output.Contains("LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"", StringComparison.Ordinal), "LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"" + " not in:\n" + output);
        Assert.True(output.Contains("SELECT OK 3", StringComparison.Ordinal), "SELECT OK 3" + " not in:\n" + output);
        Assert.True(output.Contains("Subject: First for imaplib", StringComparison.Ordinal), "Subject: First for imaplib" + " not in:\n" + output);
        Assert.True(output.Contains("STORE OK 1 (FLAGS (\\Flagged $label1))", StringComparison.Ordinal), "STORE OK 1 (FLAGS (\\Flagged $label1))" + " not in:\n" + output);
        Assert.True(output.Contains("MOVE OK", StringComparison.Ordinal), "MOVE OK" + " not in:\n" + output);
        Assert.True(output.Contains("APPEND OK [APPENDUID", StringComparison.Ordinal), "APPEND OK [APPENDUID" + " not in:\n" + output);
        Assert.True(output.Contains("EXPUNGE OK 2 1", StringComparison.Ordinal), "EXPUNGE OK 2 1" + " not in:\n" + output);
        Assert.True(output.Contains("CONTINUATION + idling", StringComparison.Ordinal), "CONTINUATION + idling" + " not in:\n" + output);
        Assert.True(output.Contains("PUSHED * 1 FETCH (UID 3 FLAGS (\\Seen))", StringComparison.Ordinal), "PUSHED * 1 FETCH (UID 3 FLAGS (\\Seen))" + " not in:\n" + output);
        Assert.True(output.Contains("LOGOUT BYE", StringComparison.Ordinal), "LOGOUT BYE" + " not in:\n" + output);

        var messages = server.Mailbox.Messages;
        Assert.Equal("trash", (await messages.GetAsync(grant.Id, first.Id, CancellationToken.None))!.FolderPublicId);
        Assert.Equal("archive", (await messages.GetAsync(grant.Id, second.Id, CancellationToken.None))!.FolderPublicId);
        var drafts = await server.Mailbox.FolderAsync(grant.Id, "drafts");
        Assert.Equal("From imaplib", Assert.Single(await messages.GetByUidsAsync(grant.Id, drafts.Id, [new UidRange(1, 10)], CancellationToken.None)).Subject);
    }

    [Fact]
    public async Task Node_imapflow_session()
    {
        var node = ClientProcess.Require("node", "nodejs");
        Assert.True(Directory.Exists(Path.Combine(ClientProcess.ClientsDirectory, "node_modules", "imapflow")),
            "imapflow is not installed: run `npm ci` in tests/clients (./test.sh does)");
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("imapflow");
        await server.DeliverAsync(grant, "First for imapflow");
        var second = await server.DeliverAsync(grant, "Second for imapflow");
        var third = await server.DeliverAsync(grant, "Third for imapflow");

        await using var client = ClientProcess.Start(node, ["imap/imapflow-session.mjs", "localhost", Port(server.ImapsPort), server.CertificatePath, grant.Email, ImapTestServer.Password],
            workingDirectory: ClientProcess.ClientsDirectory);
        await client.WaitForLineAsync(l => l.Contains("\"idling\"", StringComparison.Ordinal));
        await server.DeliverAsync(grant, "Arrived while idling");
        Assert.Equal(0, await client.WaitForExitAsync(TimeSpan.FromSeconds(40)));

        var events = client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        JsonElement Event(string name) => events.First(e => e.GetProperty("event").GetString() == name);
        Assert.Contains("CONDSTORE", Event("connected").GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        var specialUse = Event("list").GetProperty("folders").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("specialUse").GetString());
        Assert.Equal("\\Sent", specialUse["Sent"]);
        Assert.Equal("\\Junk", specialUse["Junk"]);
        Assert.Equal("\\Inbox", specialUse["INBOX"]);
        Assert.Equal(3, Event("mailbox").GetProperty("exists").GetInt32());
        Assert.Equal(["First for imapflow", "Second for imapflow", "Third for imapflow"],
            events.Where(e => e.GetProperty("event").GetString() == "fetch").Select(e => e.GetProperty("subject").GetString()));
        Assert.Equal(JsonValueKind.Array, Event("moved").GetProperty("uidMap").ValueKind);
        Assert.Equal(1, Event("appended").GetProperty("uid").GetInt32());
        Assert.True(Event("deleted").GetProperty("ok").GetBoolean());
        Assert.True(2 == Event("exists").GetProperty("count").GetInt32(), client.Output);

        var messages = server.Mailbox.Messages;
        Assert.Equal("archive", (await messages.GetAsync(grant.Id, second.Id, CancellationToken.None))!.FolderPublicId);
        Assert.Equal("trash", (await messages.GetAsync(grant.Id, third.Id, CancellationToken.None))!.FolderPublicId);
        var first = Assert.Single(await messages.GetByUidsAsync(grant.Id, (await server.Mailbox.FolderAsync(grant.Id, "inbox")).Id, [new UidRange(1, 1)], CancellationToken.None));
        Assert.Equal(MessageFlags.Seen, first.Flags);
        Assert.Equal(["$MailFlagBit1"], first.Keywords);
        var sent = await server.Mailbox.FolderAsync(grant.Id, "sent");
        Assert.Equal("From imapflow", Assert.Single(await messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, 10)], CancellationToken.None)).Subject);
    }

    [Fact]
    public async Task Curl_over_IMAPS_and_over_IMAP_with_STARTTLS()
    {
        var curl = ClientProcess.Require("curl", "curl");
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("curl");
        var first = await server.DeliverAsync(grant, "First for curl", body: "Hello curl.");
        var second = await server.DeliverAsync(grant, "Second for curl");
        var third = await server.DeliverAsync(grant, "Third for curl");
        var imaps = $"imaps://localhost:{server.ImapsPort}";
        var user = $"{grant.Email}:{ImapTestServer.Password}";
        async Task<string> Curl(params string[] arguments)
        {
            var (code, output, errors) = await ClientProcess.RunAsync(curl, ["--silent", "--show-error", "--cacert", server.CertificatePath, "--user", user, .. arguments]);
            Assert.True(code == 0, $"curl {string.Join(' ', arguments)} exited {code}: {errors}");
            return output;
        }

        var list = await Curl(imaps + "/");
        Assert.Contains("* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", list);
        Assert.Contains("* LIST (\\HasNoChildren \\Archive) \"/\" \"Archive\"", list);
        var message = await Curl(imaps + "/INBOX;UID=1");
        Assert.Contains("Subject: First for curl", message);
        Assert.EndsWith("Hello curl.\n", message); // output is read line by line
        Assert.Contains("* 2 FETCH (UID 2 FLAGS (\\Flagged))", await Curl(imaps + "/INBOX", "--request", "UID STORE 2 +FLAGS (\\Flagged)"));
        Assert.Contains("OK [COPYUID", await Curl(imaps + "/INBOX", "--request", "UID MOVE 2 Archive"));
        await Curl(imaps + "/INBOX", "--request", "UID STORE 3 +FLAGS (\\Deleted)");
        Assert.Contains("* 2 EXPUNGE", await Curl(imaps + "/INBOX", "--request", "EXPUNGE"));
        var upload = Path.GetTempFileName();
        await File.WriteAllTextAsync(upload, "From: curl@example.com\r\nSubject: From curl\r\n\r\nUploaded by curl.\r\n");
        await Curl(imaps + "/Drafts", "--upload-file", upload);
        File.Delete(upload);

        // curl cannot IDLE; it polls as iOS Mail does (CLIENTS.md 4): a change made meanwhile shows in the next session.
        await server.Mailbox.Messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(first.Id), FlagChange.Add(MessageFlags.Answered));
        // And over the plain port, only after STARTTLS (--ssl-reqd): the credentials never travel in clear text.
        var search = await Curl($"imap://localhost:{server.ImapPort}/INBOX?ANSWERED", "--ssl-reqd");
        Assert.Equal("* SEARCH 1\n", search);

        var messages = server.Mailbox.Messages;
        Assert.Equal(MessageFlags.Seen | MessageFlags.Answered, (await messages.GetAsync(grant.Id, first.Id, CancellationToken.None))!.Flags);
        var moved = (await messages.GetAsync(grant.Id, second.Id, CancellationToken.None))!;
        Assert.Equal(("archive", MessageFlags.Flagged), (moved.FolderPublicId, moved.Flags));
        Assert.Equal("trash", (await messages.GetAsync(grant.Id, third.Id, CancellationToken.None))!.FolderPublicId);
        var drafts = await server.Mailbox.FolderAsync(grant.Id, "drafts");
        Assert.Equal("From curl", Assert.Single(await messages.GetByUidsAsync(grant.Id, drafts.Id, [new UidRange(1, 10)], CancellationToken.None)).Subject);
    }

    [Fact]
    public async Task Mutt_session_in_a_terminal_and_in_batch_mode()
    {
        var mutt = ClientProcess.Require("mutt", "mutt");
        var script = ClientProcess.Require("script", "bsdutils");
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("mutt");
        var alpha = await server.DeliverAsync(grant, "Alpha");
        var beta = await server.DeliverAsync(grant, "Beta");
        var gamma = await server.DeliverAsync(grant, "Gamma");
        var home = Directory.CreateTempSubdirectory("agentmail-mutt-").FullName;
        try
        {
            var rc = Path.Combine(home, "muttrc");
            await File.WriteAllTextAsync(rc, $"""
                set folder="imaps://localhost:{server.ImapsPort}/"
                set imap_user="{grant.Email}"
                set imap_pass="{ImapTestServer.Password}"
                set spoolfile="+INBOX"
                set record="+Sent"
                set ssl_ca_certificates_file="{server.CertificatePath}"
                set ssl_force_tls=yes
                set certificate_file="{home}/certificates"
                set header_cache=""
                set sendmail="/bin/true"
                set from="{grant.Email}"
                set use_from=yes
                set copy=yes
                set confirmappend=no
                set move=no
                set delete=yes
                set quit=yes
                set mail_check=1
                set timeout=1
                set imap_idle=yes
                """);
            var environment = new Dictionary<string, string> { ["HOME"] = home, ["TERM"] = "vt100", ["COLUMNS"] = "120", ["LINES"] = "40" };
            // Browse the folders (LIST), read and flag Alpha, save Beta to Archive, read and delete Gamma, sync, then idle.
            const string keys = "<change-folder>?<exit><search>~s Alpha<enter><display-message><exit><flag-message><search>~s Beta<enter><save-message>=Archive<enter>" +
                "<search>~s Gamma<enter><display-message><exit><delete-message><sync-mailbox>";
            await using (var terminal = ClientProcess.Start(script, ["-qec", $"mutt -n -F {rc} -d 2 -e 'push \"{keys}\"'", "/dev/null"],
                home, environment, keepInputOpen: true))
            {
                // mutt buffers its debug log, so progress is read from its screen.
                await WaitForAsync(() => terminal.Output, text => text.Contains("1 kept, 2 deleted", StringComparison.Ordinal));
                await server.DeliverAsync(grant, "Delta while mutt idles");
                await WaitForAsync(() => terminal.Output, text => text.Contains("New mail in this mailbox.", StringComparison.Ordinal));
                await terminal.WriteInputAsync("q");
                await terminal.WaitForExitAsync(TimeSpan.FromSeconds(20));

                var transcript = await File.ReadAllTextAsync(Path.Combine(home, ".muttdebug0"));
                Assert.Contains("< * LIST (\\HasNoChildren \\Sent) \"/\" \"Sent\"", transcript);
                Assert.Contains("< * LIST (\\HasNoChildren \\Trash) \"/\" \"Trash\"", transcript);
                // The new message was pushed during IDLE, not found by a poll.
                var exists = transcript.IndexOf("< * 2 EXISTS", StringComparison.Ordinal);
                Assert.True(exists > 0, transcript);
                var idle = transcript.LastIndexOf(" IDLE", exists, StringComparison.Ordinal); // mutt logs the command with its CRLF
                Assert.True(idle > 0 && transcript.IndexOf("< + idling", idle, StringComparison.Ordinal) is var plus && plus > 0 && plus < exists, transcript);
            }
            var messages = server.Mailbox.Messages;
            Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, (await messages.GetAsync(grant.Id, alpha.Id, CancellationToken.None))!.Flags);
            var archive = await server.Mailbox.FolderAsync(grant.Id, "archive");
            Assert.Equal("Beta", Assert.Single(await messages.GetByUidsAsync(grant.Id, archive.Id, [new UidRange(1, 10)], CancellationToken.None)).Subject);
            Assert.Equal("trash", (await messages.GetAsync(grant.Id, beta.Id, CancellationToken.None))!.FolderPublicId);
            // mutt does not sync \Seen on a message it deletes (it expects it gone); EXPUNGE moved it to Trash.
            Assert.Equal("trash", (await messages.GetAsync(grant.Id, gamma.Id, CancellationToken.None))!.FolderPublicId);

            // Batch mode (no terminal): sending saves the copy to Sent with APPEND.
            var (code, _, errors) = await ClientProcess.RunAsync(mutt, ["-n", "-F", rc, "-s", "From mutt", "someone@example.com"], environment: environment);
            Assert.True(code == 0, errors);
            var sent = await server.Mailbox.FolderAsync(grant.Id, "sent");
            var copy = Assert.Single(await messages.GetByUidsAsync(grant.Id, sent.Id, [new UidRange(1, 10)], CancellationToken.None));
            Assert.Equal(("From mutt", MessageFlags.Seen), (copy.Subject, copy.Flags));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task WaitForAsync(Func<string> read, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var text = read();
            if (condition(text)) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting; the client shows:\n{text}");
            await Task.Delay(100);
        }
    }
}
