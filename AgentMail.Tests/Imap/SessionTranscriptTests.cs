using AgentMail.Mailbox.Grants;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>Greeting, capabilities, sign-in and the commands valid in every state, as exact transcripts.</summary>
public sealed class SessionTranscriptTests
{
    private const string Base = "IMAP4rev1 IMAP4rev2 SASL-IR LITERAL+ ID ENABLE IDLE";
    private const string SignedIn = Base + " NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE XLIST STATUS=SIZE " +
        "QUOTA QUOTA=RES-STORAGE CONDSTORE QRESYNC ESEARCH SEARCHRES SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES OBJECTID UTF8=ACCEPT BINARY APPENDLIMIT=26214400";

    private static string PlainLogin(Grant grant) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{grant.Email}\0{ImapTestServer.Password}"));

    [Fact]
    public async Task Implicit_TLS_greets_with_AUTH_PLAIN_and_signs_in_with_LOGIN_answering_the_new_capabilities()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
        Assert.Equal($"* OK [CAPABILITY {Base} AUTH=PLAIN] AgentMail IMAP4rev2 server ready", await wire.ReadLineAsync());
        Assert.Equal([$"* CAPABILITY {Base} AUTH=PLAIN", "a OK CAPABILITY completed"], await wire.CommandAsync("a", "CAPABILITY"));
        Assert.Equal([$"b OK [CAPABILITY {SignedIn}] Signed in"], await wire.CommandAsync("b", $"LOGIN {grant.Email} {ImapTestServer.Password}"));
        Assert.Equal([$"* CAPABILITY {SignedIn}", "c OK CAPABILITY completed"], await wire.CommandAsync("c", "CAPABILITY"));
        Assert.Equal(["* BYE AgentMail IMAP server logging out", "d OK LOGOUT completed"], await wire.CommandAsync("d", "LOGOUT"));
        Assert.True(await wire.IsClosedAsync());
    }

    [Fact]
    public async Task The_plain_port_advertises_STARTTLS_and_LOGINDISABLED_and_refuses_credentials_before_TLS()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapPort, tls: false);
        Assert.Equal($"* OK [CAPABILITY {Base} STARTTLS LOGINDISABLED] AgentMail IMAP4rev2 server ready", await wire.ReadLineAsync());
        Assert.Equal(["a NO [PRIVACYREQUIRED] Sign-in needs TLS: issue STARTTLS first, or connect to the IMAPS port"],
            await wire.CommandAsync("a", $"LOGIN {grant.Email} {ImapTestServer.Password}"));
        Assert.Equal(["b NO [PRIVACYREQUIRED] Sign-in needs TLS: issue STARTTLS first, or connect to the IMAPS port"],
            await wire.CommandAsync("b", $"AUTHENTICATE PLAIN {PlainLogin(grant)}"));
        Assert.Equal(["c NO SELECT needs you to sign in first (LOGIN or AUTHENTICATE)"], await wire.CommandAsync("c", "SELECT INBOX"));

        Assert.Equal(["d OK Begin TLS negotiation now"], await wire.CommandAsync("d", "STARTTLS"));
        await wire.StartTlsAsync();
        Assert.Equal([$"* CAPABILITY {Base} AUTH=PLAIN", "e OK CAPABILITY completed"], await wire.CommandAsync("e", "CAPABILITY"));
        Assert.Equal(["f BAD TLS is already active"], await wire.CommandAsync("f", "STARTTLS"));
        Assert.Equal([$"g OK [CAPABILITY {SignedIn}] Signed in"], await wire.CommandAsync("g", $"LOGIN {grant.Email} {ImapTestServer.Password}"));
    }

    [Fact]
    public async Task Commands_pipelined_after_STARTTLS_in_plain_text_are_discarded_not_executed()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapPort, tls: false);
        await wire.ReadLineAsync();
        // CVE-2011-0411: a LOGIN smuggled behind STARTTLS must never run inside the TLS session.
        await wire.SendAsync($"a STARTTLS\r\nb LOGIN {grant.Email} {ImapTestServer.Password}\r\n");
        Assert.Equal("a OK Begin TLS negotiation now", await wire.ReadLineAsync());
        await wire.StartTlsAsync();
        Assert.Equal(["c NO LIST needs you to sign in first (LOGIN or AUTHENTICATE)"], await wire.CommandAsync("c", "LIST \"\" *"));
    }

    [Fact]
    public async Task AUTHENTICATE_PLAIN_with_an_initial_response_and_with_a_continuation_that_has_its_space()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using (var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true))
        {
            await wire.ReadLineAsync();
            Assert.Equal([$"a OK [CAPABILITY {SignedIn}] Signed in"], await wire.CommandAsync("a", $"AUTHENTICATE PLAIN {PlainLogin(grant)}"));
        }
        await using (var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true))
        {
            await wire.ReadLineAsync();
            await wire.SendAsync("a AUTHENTICATE PLAIN\r\n");
            Assert.Equal("+ ", await wire.ReadLineAsync()); // CLIENTS.md 6: "+" SP, even with an empty challenge
            await wire.SendAsync(PlainLogin(grant) + "\r\n");
            Assert.Equal($"a OK [CAPABILITY {SignedIn}] Signed in", await wire.ReadLineAsync());
            Assert.Equal(["b NO AUTHENTICATE is not allowed after signing in"], await wire.CommandAsync("b", "AUTHENTICATE PLAIN"));
        }
        await using (var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true))
        {
            await wire.ReadLineAsync();
            await wire.SendAsync("a AUTHENTICATE PLAIN\r\n");
            Assert.Equal("+ ", await wire.ReadLineAsync());
            await wire.SendAsync("*\r\n");
            Assert.Equal("a BAD AUTHENTICATE cancelled", await wire.ReadLineAsync());
            Assert.Equal(["b BAD Invalid base64 in the SASL response"], await wire.CommandAsync("b", "AUTHENTICATE PLAIN ab=c"));
            Assert.Equal(["c NO [CANNOT] Unsupported authentication mechanism CRAM-MD5; use PLAIN"], await wire.CommandAsync("c", "AUTHENTICATE CRAM-MD5"));
            var otherUser = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"boss@example.com\0{grant.Email}\0{ImapTestServer.Password}"));
            Assert.Equal(["d NO [AUTHORIZATIONFAILED] Signing in as another user is not supported"], await wire.CommandAsync("d", $"AUTHENTICATE PLAIN {otherUser}"));
            Assert.Equal(["e BAD Malformed PLAIN response (expected authzid NUL authcid NUL password)"], await wire.CommandAsync("e", "AUTHENTICATE PLAIN Zm9v"));
        }
    }

    [Fact]
    public async Task Wrong_passwords_and_accounts_without_an_app_password_are_AUTHENTICATIONFAILED()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var noPassword = await server.Mailbox.CreateGrantAsync(appPassword: null, prefix: "nopassword");
        await using var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
        await wire.ReadLineAsync();
        Assert.Equal(["a NO [AUTHENTICATIONFAILED] Invalid credentials"], await wire.CommandAsync("a", $"LOGIN {grant.Email} Wrong-Password-123456"));
        Assert.Equal(["b NO [AUTHENTICATIONFAILED] Invalid credentials"], await wire.CommandAsync("b", $"LOGIN {noPassword.Email} {ImapTestServer.Password}"));
        Assert.Equal(["c NO [AUTHENTICATIONFAILED] Invalid credentials"], await wire.CommandAsync("c", $"LOGIN nobody@agentmail.test {ImapTestServer.Password}"));
        // The session is still usable: a right password signs in.
        Assert.Equal($"d OK [CAPABILITY {SignedIn}] Signed in", (await wire.CommandAsync("d", $"LOGIN \"{grant.Email}\" {{{ImapTestServer.Password.Length}+}}\r\n{ImapTestServer.Password}"))[^1]);
    }

    [Fact]
    public async Task Repeated_failures_are_throttled_per_address_with_UNAVAILABLE()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
        await wire.ReadLineAsync();
        for (var i = 0; i < 10; i++)
            Assert.Equal([$"a{i} NO [AUTHENTICATIONFAILED] Invalid credentials"], await wire.CommandAsync($"a{i}", $"LOGIN {grant.Email} Wrong-Password-123456"));
        Assert.Equal(["b NO [UNAVAILABLE] Too many failed sign-ins; try again later"], await wire.CommandAsync("b", $"LOGIN {grant.Email} {ImapTestServer.Password}"));
    }

    [Fact]
    public async Task ID_is_answered_before_and_after_sign_in_and_while_a_mailbox_is_selected()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
        await wire.ReadLineAsync();
        var id = await wire.CommandAsync("a", "ID (\"name\" \"Thunderbird\" \"version\" \"128.0\")");
        Assert.Matches("^\\* ID \\(\"name\" \"AgentMail\" \"vendor\" \"AgentMail\" \"version\" \"[0-9.]+\" \"support-url\" \"[^\"]+\"\\)$", id[0]);
        Assert.Equal("a OK ID completed", id[1]);
        await wire.ExpectOkAsync("b", $"LOGIN {grant.Email} {ImapTestServer.Password}");
        Assert.Equal("c OK ID completed", (await wire.CommandAsync("c", "ID NIL"))[^1]);
        await wire.ExpectOkAsync("d", "SELECT INBOX");
        Assert.Equal("e OK ID completed", (await wire.CommandAsync("e", "ID (\"name\" NIL)"))[^1]);
        Assert.Equal(["f BAD ID takes at most 30 field-value pairs; fields up to 30 octets, values up to 1024"],
            await wire.CommandAsync("f", $"ID (\"{new string('x', 31)}\" \"v\")"));
    }

    [Fact]
    public async Task NOOP_CHECK_NAMESPACE_and_ENABLE_as_RFC_9051_shows_them()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a OK NOOP completed"], await wire.CommandAsync("a", "NOOP"));
        Assert.Equal(["* NAMESPACE ((\"\" \"/\")) NIL NIL", "b OK NAMESPACE completed"], await wire.CommandAsync("b", "NAMESPACE"));
        Assert.Equal(["c NO CHECK needs a selected mailbox (SELECT or EXAMINE)"], await wire.CommandAsync("c", "CHECK"));
        Assert.Equal(["* ENABLED CONDSTORE UTF8=ACCEPT", "d OK ENABLE completed"], await wire.CommandAsync("d", "ENABLE CONDSTORE X-UNKNOWN UTF8=ACCEPT"));
        Assert.Equal(["* ENABLED QRESYNC", "e OK ENABLE completed"], await wire.CommandAsync("e", "ENABLE CONDSTORE QRESYNC"));
        Assert.Equal(["* ENABLED", "f OK ENABLE completed"], await wire.CommandAsync("f", "ENABLE QRESYNC"));
        Assert.Equal(["g BAD Missing arguments"], await wire.CommandAsync("g", "ENABLE"));
        await wire.ExpectOkAsync("h", "SELECT INBOX");
        Assert.Equal(["i OK CHECK completed"], await wire.CommandAsync("i", "CHECK"));
    }

    [Fact]
    public async Task Unknown_commands_bad_tags_and_empty_lines_are_BAD_and_the_session_goes_on()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        Assert.Equal(["a BAD Unknown command"], await wire.CommandAsync("a", "FROBNICATE now"));
        await wire.SendAsync("\r\n");
        Assert.Equal("* BAD Empty command line", await wire.ReadLineAsync());
        await wire.SendAsync("+tag NOOP\r\n");
        Assert.Equal("* BAD Invalid or missing tag", await wire.ReadLineAsync());
        await wire.SendAsync("a{b NOOP\r\n");
        Assert.Equal("* BAD Invalid or missing tag", await wire.ReadLineAsync());
        await wire.SendAsync("lonely\r\n");
        Assert.Equal("lonely BAD Missing command", await wire.ReadLineAsync());
        Assert.Equal(["b BAD UID NOOP is not a command"], await wire.CommandAsync("b", "UID NOOP"));
        Assert.Equal(["c BAD Unexpected characters at the end of the command (position 13)"], await wire.CommandAsync("c", "CAPABILITY now"));
        Assert.Equal(["d BAD Arguments must be separated by a single space"], await wire.CommandAsync("d", "SELECT  INBOX"));
        Assert.Equal(["e NO LOGIN is not allowed after signing in"], await wire.CommandAsync("e", "LOGIN a b"));
        Assert.Equal(["f NO FETCH needs a selected mailbox (SELECT or EXAMINE)"], await wire.CommandAsync("f", "FETCH 1 FLAGS"));
        Assert.Equal("g OK NOOP completed", (await wire.CommandAsync("g", "noop"))[^1]);
    }

    [Fact]
    public async Task Responses_to_pipelined_commands_come_back_in_order()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.SendAsync("p1 NOOP\r\np2 SELECT INBOX\r\np3 FETCH 1:* FLAGS\r\np4 UID FETCH 1:* FLAGS\r\np5 NOOP\r\n");
        var lines = await wire.ReadUntilTaggedAsync("p5");
        var tagged = lines.Where(l => !l.StartsWith('*')).ToList();
        Assert.Equal(["p1 OK NOOP completed", "p2 OK [READ-WRITE] SELECT completed", "p3 BAD Invalid message sequence number: the mailbox is empty",
            "p4 OK UID FETCH completed", "p5 OK NOOP completed"], tagged);
    }
}
