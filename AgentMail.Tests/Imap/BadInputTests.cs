using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// The issue's bad-input list: each gets a precise tagged BAD or NO, the session survives where
/// the RFC lets it, and the mailbox is exactly as before.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Hostile_and_malformed_commands_get_BAD_or_NO_and_change_nothing()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var message = await server.DeliverAsync(grant, "untouched", flags: MessageFlags.Flagged);
        var before = await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None);
        await using var wire = await server.ConnectAsync(grant);

        var transcript = new (string Command, string Expected)[]
        {
            ("XYZZY", "t BAD Unknown command"),
            ("SELECT (INBOX", "t BAD Expected an atom at position 10"),
            ("LIST \"\" (INBOX Sent", "t BAD Missing ')'"),
            ("SELECT \"INBOX", "t BAD Unterminated quoted string"),
            ("SELECT \"IN\\BOX\"", "t BAD Only '\"' and '\\' may be escaped in a quoted string"),
            ("CREATE \"&Jjo!\"", "t NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): invalid character in modified base64"),
            ("CREATE &AGE-", "t NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): printable ASCII must not be encoded"),
            ("RENAME INBOX &2D3-", "t NO [CANNOT] Mailbox name is not valid modified UTF-7 (RFC 3501 section 5.1.3): unpaired surrogate"),
            ("FETCH 1 FLAGS", "t NO FETCH needs a selected mailbox (SELECT or EXAMINE)"),
            ("EXAMINE INBOX", "t OK [READ-ONLY] EXAMINE completed"),
            ("STORE 1 +FLAGS (\\Deleted)", "t NO [READ-ONLY] The mailbox is read-only (EXAMINE)"),
            ("STORE 1 FLAGS ()", "t NO [READ-ONLY] The mailbox is read-only (EXAMINE)"),
            ("FETCH 4294967296 FLAGS", "t BAD Invalid sequence set: numbers are at most 4294967295"),
            ("FETCH 2 FLAGS", "t BAD Invalid message sequence number: 2 (the mailbox has 1 messages)"),
            ("FETCH 1:2,, FLAGS", "t BAD Expected a sequence number at position 13"),
            ("FETCH 1 (FLAGS)) ", "t BAD Unexpected characters at the end of the command (position 18)"),
            ("SEARCH OR SEEN", "t BAD Missing arguments"),
            ("SEARCH " + string.Concat(Enumerable.Repeat("NOT ", 100)) + "ALL", "t BAD Search keys nested too deeply"),
            ("UID FETCH 1 BODY[1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32.33.34.35.36.37.38.39.40.41.42.43.44.45.46.47.48.49.50.51.52.53.54.55.56.57.58.59.60.61.62.63.64.65.66.67.68.69.70.71.72.73.74.75.76.77.78.79.80.81.82.83.84.85.86.87.88.89.90.91.92.93.94.95.96.97.98.99.100.101]",
                "t BAD Invalid section specification"),
            ("LOGIN a b", "t NO LOGIN is not allowed after signing in"),
            ("STARTTLS", "t NO STARTTLS is not allowed after signing in"),
            ("CLOSE", "t OK CLOSE completed"),
            ("EXPUNGE", "t NO EXPUNGE needs a selected mailbox (SELECT or EXAMINE)"),
            ("SELECT INBOX", "t OK [READ-WRITE] SELECT completed"),
            ("FETCH * UID", "* 1 FETCH (UID 1)"),
        };
        foreach (var (command, expected) in transcript)
        {
            var lines = await wire.CommandAsync("t", command);
            Assert.True(lines.Contains(expected), $"{command} => {string.Join(" | ", lines)}");
        }

        var stored = await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None);
        Assert.Equal(MessageFlags.Flagged, stored!.Flags);
        Assert.Equal(before.Select(f => f.Name), (await server.Mailbox.Folders.ListAsync(grant.Id, CancellationToken.None)).Select(f => f.Name));
    }

    [Fact]
    public async Task Literals_that_lie_about_their_length_end_in_BAD_and_the_session_goes_on()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        // Announces 3 and sends 6: the rest of the line is not what LOGIN expects (syntax is judged before state).
        Assert.Equal(["a BAD Expected a space at position 18"], await wire.CommandAsync("a", "LOGIN {3+}\r\nabcdef x"));
        Assert.Equal(["b BAD Unexpected characters at the end of the command (position 19)"], await wire.CommandAsync("b", "SELECT {3+}\r\nabcdef"));
        // Announces 10 and sends 5: the next command's bytes become the literal's; what is left over is judged.
        await wire.SendAsync("c SELECT {10+}\r\nINBOX\r\n");
        await wire.SendAsync("d NOOP\r\n");
        Assert.Equal("c BAD Unexpected characters at the end of the command (position 27)", await wire.ReadLineAsync());
        Assert.Equal(["e OK NOOP completed"], await wire.CommandAsync("e", "NOOP"));
    }

    [Fact]
    public async Task A_line_longer_than_64_KiB_is_refused_and_skipped()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.SendAsync("a SEARCH " + string.Concat(Enumerable.Repeat("SUBJECT x ", 7000)) + "\r\n");
        Assert.Equal("a BAD [TOOBIG] Command line too long (the limit is 65536 bytes)", await wire.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
    }
}
