extern alias imap;

using System.Text;
using imap::AgentMail.Imap.Storage;
using AgentMail.Mailbox.Messages;
using AgentMail.Mime;
using AgentMail.Mime.Imap;
using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>FETCH: every data item, sections and partials, BINARY, the implicit \Seen, and sequence-set errors.</summary>
public sealed class FetchTranscriptTests
{
    private static string Raw(string subject, string id, string body = "Hi there.") =>
        $"From: sender@example.com\r\nTo: agent@agentmail.test\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\n{body}\r\n";

    [Fact]
    public async Task Every_simple_data_item_of_a_message()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var id = $"{Guid.NewGuid():N}@example.com";
        var message = await server.DeliverAsync(grant, "Lunch", messageId: id, internalDate: new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));
        var raw = Raw("Lunch", id);
        var structure = MimeParser.Parse(Encoding.ASCII.GetBytes(raw));
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal([
            $"* OK [HIGHESTMODSEQ {message.ModSeq}] Highest",
            $"* 1 FETCH (UID 1 FLAGS () INTERNALDATE \" 4-Mar-2026 05:06:07 +0000\" RFC822.SIZE {raw.Length} " +
            $"ENVELOPE {Encoding.ASCII.GetString(ImapFormatter.GetEnvelope(structure.Envelope))} " +
            $"BODY {Encoding.ASCII.GetString(ImapFormatter.GetBody(structure, ImapDialect.Imap4rev1))} " +
            $"BODYSTRUCTURE {Encoding.ASCII.GetString(ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1))} " +
            $"MODSEQ ({message.ModSeq}) EMAILID ({message.Id}) THREADID ({message.ThreadId}))",
            "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 1 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE MODSEQ EMAILID THREADID)"));
        Assert.Equal([$"* 1 FETCH (FLAGS () INTERNALDATE \" 4-Mar-2026 05:06:07 +0000\" RFC822.SIZE {raw.Length})", "b OK FETCH completed"],
            await wire.CommandAsync("b", "FETCH 1 FAST"));
        Assert.Equal([$"* 1 FETCH (UID 1 RFC822.SIZE {raw.Length})", "c OK UID FETCH completed"], await wire.CommandAsync("c", "UID FETCH 1 RFC822.SIZE"));
    }

    [Fact]
    public async Task Body_sections_partials_and_the_RFC822_items()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var id = $"{Guid.NewGuid():N}@example.com";
        await server.DeliverAsync(grant, "Sections", messageId: id, body: "Line one.\r\nLine two.");
        var raw = Raw("Sections", id, "Line one.\r\nLine two.");
        var header = raw[..(raw.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        var text = raw[header.Length..];
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal([$"* 1 FETCH (BODY[] {{{raw.Length}}}\r\n{raw})", "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 1 BODY.PEEK[]"));
        Assert.Equal([$"* 1 FETCH (BODY[HEADER] {{{header.Length}}}\r\n{header} BODY[TEXT] {{{text.Length}}}\r\n{text})", "b OK FETCH completed"],
            await wire.CommandAsync("b", "FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT])"));
        Assert.Equal(["* 1 FETCH (BODY[HEADER.FIELDS (Subject From)] {47}\r\nFrom: sender@example.com\r\nSubject: Sections\r\n\r\n)", "c OK FETCH completed"],
            await wire.CommandAsync("c", "FETCH 1 BODY.PEEK[HEADER.FIELDS (Subject From)]"));
        var not = await wire.CommandAsync("d", "FETCH 1 BODY.PEEK[HEADER.FIELDS.NOT (FROM TO MESSAGE-ID DATE)]");
        Assert.Equal("* 1 FETCH (BODY[HEADER.FIELDS.NOT (FROM TO MESSAGE-ID DATE)] {21}\r\nSubject: Sections\r\n\r\n)", not[0]);
        Assert.Equal(["* 1 FETCH (BODY[TEXT]<5> {3}\r\none)", "e OK FETCH completed"], await wire.CommandAsync("e", "FETCH 1 BODY.PEEK[TEXT]<5.3>"));
        Assert.Equal(["* 1 FETCH (BODY[TEXT]<1000> \"\")", "f OK FETCH completed"], await wire.CommandAsync("f", "FETCH 1 BODY.PEEK[TEXT]<1000.10>"));
        Assert.Equal(["* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)]<2> {5}\r\nbject)", "g OK FETCH completed"],
            await wire.CommandAsync("g", "FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]<2.5>"));
        Assert.Equal([$"* 1 FETCH (BODY[1] {{{text.Length}}}\r\n{text} BODY[2] NIL)", "h OK FETCH completed"], await wire.CommandAsync("h", "FETCH 1 (BODY.PEEK[1] BODY.PEEK[2])"));
        // No such section: NIL (a text part holds no message to have a HEADER; there is no part 3).
        Assert.Equal(["* 1 FETCH (BODY[1.HEADER] NIL BINARY[3] NIL)", "h2 OK FETCH completed"], await wire.CommandAsync("h2", "FETCH 1 (BODY.PEEK[1.HEADER] BINARY.PEEK[3])"));
        Assert.Equal([$"* 1 FETCH (RFC822.HEADER {{{header.Length}}}\r\n{header} RFC822 {{{raw.Length}}}\r\n{raw} RFC822.TEXT {{{text.Length}}}\r\n{text})", "i OK FETCH completed"],
            await wire.CommandAsync("i", "FETCH 1 (RFC822.HEADER RFC822 RFC822.TEXT)"));
        Assert.Equal(["j BAD Invalid section specification"], await wire.CommandAsync("j", "FETCH 1 BODY[FOO]"));
        Assert.Equal(["k BAD Unterminated section: missing ']'"], await wire.CommandAsync("k", "FETCH 1 BODY[HEADER"));
        Assert.Equal(["l BAD A partial length must not be 0"], await wire.CommandAsync("l", "FETCH 1 BODY[]<0.0>"));
        Assert.Equal(["m BAD Unknown FETCH data item FOO"], await wire.CommandAsync("m", "FETCH 1 FOO"));
        Assert.Equal(["n BAD Missing ')'"], await wire.CommandAsync("n", "FETCH 1 (FLAGS"));
    }

    [Fact]
    public async Task Multipart_parts_MIME_headers_and_BINARY_with_literal8()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverRawAsync(grant, ImapTestData.Multipart);
        var structure = MimeParser.Parse(Encoding.UTF8.GetBytes(ImapTestData.Multipart));
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal([$"* 1 FETCH (BODYSTRUCTURE {Encoding.ASCII.GetString(ImapFormatter.GetBodyStructure(structure, ImapDialect.Imap4rev1))})", "a OK FETCH completed"],
            await wire.CommandAsync("a", "FETCH 1 BODYSTRUCTURE"));
        Assert.Equal(["* 1 FETCH (BODY[1] {16}\r\nCaf=C3=A9 ready.)", "b OK FETCH completed"], await wire.CommandAsync("b", "FETCH 1 BODY.PEEK[1]"));
        Assert.Equal(["* 1 FETCH (BINARY[1] {12}\r\nCafé ready. BINARY.SIZE[1] 12)", "c OK FETCH completed"],
            await wire.CommandAsync("c", "FETCH 1 (BINARY.PEEK[1] BINARY.SIZE[1])"));
        var mime = await wire.CommandAsync("d", "FETCH 1 BODY.PEEK[2.MIME]");
        Assert.Equal("* 1 FETCH (BODY[2.MIME] {148}\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n)", mime[0]);
        // The attachment holds a NUL: BINARY sends it as literal8 (RFC 3516 §4.3).
        await wire.SendAsync("e FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])\r\n");
        Assert.Equal("* 1 FETCH (BINARY.SIZE[2] 4 BINARY[2] ~{4}", await ReadRawLineAsync(wire));
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, await wire.ReadBytesAsync(4));
        Assert.Equal(")", await wire.ReadLineAsync());
        Assert.Equal("e OK FETCH completed", await wire.ReadLineAsync());
        Assert.Equal(["f BAD BINARY takes only a part number (RFC 3516)"], await wire.CommandAsync("f", "FETCH 1 BINARY[1.MIME]"));
    }

    [Fact]
    public async Task Sections_inside_and_beyond_the_prefix_read_with_the_row_are_exact_bytes_in_one_FETCH_of_two_messages()
    {
        // FETCH reads the first ImapStore.PrefixBytes of each message with its row and serves the
        // ranges inside them from it; the rest come from the blob. A large message whose second
        // part and a partial straddle that boundary, next to a small one, checks both and their order.
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        string Lines(char c) => string.Concat(Enumerable.Range(0, 90).Select(i => $"{c}{i:D3} {new string(c, 64)}\r\n"));
        var large = "From: sender@example.com\r\nTo: agent@agentmail.test\r\nSubject: Large\r\nMessage-ID: <large@x>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
            $"--b\r\nContent-Type: text/plain\r\n\r\n{Lines('a')}\r\n--b\r\nContent-Type: text/plain\r\n\r\n{Lines('b')}\r\n--b--\r\n";
        Assert.InRange(large.Length, ImapStore.PrefixBytes + 4000, 2 * ImapStore.PrefixBytes);
        var small = Raw("Small", "small@x");
        await server.DeliverRawAsync(grant, large);
        await server.DeliverRawAsync(grant, small);

        var header = large[..(large.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];
        var part2Start = large.IndexOf("\r\n\r\nb000", StringComparison.Ordinal) + 4;
        var part2 = large[part2Start..large.IndexOf("\r\n--b--", StringComparison.Ordinal)];
        Assert.True(part2Start < ImapStore.PrefixBytes && part2Start + part2.Length > ImapStore.PrefixBytes);
        var straddle = large.Substring(ImapStore.PrefixBytes - 100, 300);
        var smallHeader = small[..(small.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)];

        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        var response = await wire.CommandAsync("a", $"FETCH 1:2 (BODY.PEEK[HEADER] BODY.PEEK[2] BODY.PEEK[]<{ImapStore.PrefixBytes - 100}.300>)");
        Assert.Equal(3, response.Count);
        Assert.Equal($"* 1 FETCH (BODY[HEADER] {{{header.Length}}}\r\n{header} BODY[2] {{{part2.Length}}}\r\n{part2} BODY[]<{ImapStore.PrefixBytes - 100}> {{300}}\r\n{straddle})", response[0]);
        Assert.Equal($"* 2 FETCH (BODY[HEADER] {{{smallHeader.Length}}}\r\n{smallHeader} BODY[2] NIL BODY[]<{ImapStore.PrefixBytes - 100}> \"\")", response[1]);
        Assert.Equal("a OK FETCH completed", response[2]);
    }

    private static async Task<string> ReadRawLineAsync(ImapWire wire)
    {
        var bytes = new List<byte>();
        while (true)
        {
            var b = (await wire.ReadBytesAsync(1))[0];
            if (b == '\n') return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(b);
        }
    }

    [Fact]
    public async Task BODY_without_PEEK_sets_Seen_and_reports_the_new_flags_but_not_in_EXAMINE()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var id = $"{Guid.NewGuid():N}@example.com";
        var message = await server.DeliverAsync(grant, "Unread", messageId: id);
        var text = "Hi there.\r\n";
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "EXAMINE INBOX");
        Assert.Equal([$"* 1 FETCH (BODY[TEXT] {{{text.Length}}}\r\n{text})", "a OK FETCH completed"], await wire.CommandAsync("a", "FETCH 1 BODY[TEXT]"));
        Assert.Equal(["* 1 FETCH (FLAGS ())", "b OK FETCH completed"], await wire.CommandAsync("b", "FETCH 1 FLAGS"));
        await wire.ExpectOkAsync("c", "SELECT INBOX");
        Assert.Equal([$"* 1 FETCH (UID 1 BODY[TEXT] {{{text.Length}}}\r\n{text} FLAGS (\\Seen))", "d OK UID FETCH completed"],
            await wire.CommandAsync("d", "UID FETCH 1 BODY[TEXT]"));
        Assert.Equal([$"* 1 FETCH (BODY[TEXT] {{{text.Length}}}\r\n{text})", "e OK FETCH completed"], await wire.CommandAsync("e", "FETCH 1 BODY[TEXT]"));
        var stored = await server.Mailbox.Messages.GetAsync(grant.Id, message.Id, CancellationToken.None);
        Assert.False(stored!.Unread);
    }

    [Fact]
    public async Task Sequence_sets_are_checked_against_the_mailbox()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["a BAD Invalid message sequence number: the mailbox is empty"], await wire.CommandAsync("a", "FETCH 1:* FLAGS"));
        Assert.Equal(["b OK UID FETCH completed"], await wire.CommandAsync("b", "UID FETCH 1:* FLAGS"));
        Assert.Equal(["c OK UID SEARCH completed"], await wire.CommandAsync("c", "UID SEARCH RETURN () ALL").ContinueWith(t => t.Result.Where(l => !l.StartsWith("* ESEARCH", StringComparison.Ordinal)).ToList()));
        await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await server.DeliverAsync(grant, "three");
        Assert.Equal(["* 3 EXISTS", "d OK NOOP completed"], await wire.CommandAsync("d", "NOOP"));
        Assert.Equal(["e BAD Invalid message sequence number: 4 (the mailbox has 3 messages)"], await wire.CommandAsync("e", "FETCH 2:4 FLAGS"));
        Assert.Equal(["f BAD Invalid sequence set: 0 is not a message number"], await wire.CommandAsync("f", "FETCH 0 FLAGS"));
        Assert.Equal(["g BAD Invalid sequence set: numbers are at most 4294967295"], await wire.CommandAsync("g", "FETCH 4294967296 FLAGS"));
        Assert.Equal(["h BAD Invalid sequence set: numbers are at most 4294967295"], await wire.CommandAsync("h", "UID FETCH 1:4294967296 FLAGS"));
        Assert.Equal(["i OK UID FETCH completed"], await wire.CommandAsync("i", "UID FETCH 4294967295 FLAGS"));
        Assert.Equal(["* 3 FETCH (UID 3)", "j OK UID FETCH completed"], await wire.CommandAsync("j", "UID FETCH 10:* UID"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)", "k OK FETCH completed"], await wire.CommandAsync("k", "FETCH 3,1 UID"));
        Assert.Equal(["* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 3 FETCH (UID 3)", "l OK FETCH completed"], await wire.CommandAsync("l", "FETCH *:1 UID"));
        Assert.Equal(["m BAD Expected a sequence number at position 11"], await wire.CommandAsync("m", "FETCH 1:x UID"));
    }

    [Fact]
    public async Task A_client_huge_UID_set_on_a_long_line_is_accepted()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        await server.DeliverAsync(grant, "one");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        // CLIENTS.md 8: UID FETCH 1,3,5,... on a line of about 60 KiB.
        var set = string.Join(',', Enumerable.Range(0, 11000).Select(i => 1 + 2 * i));
        Assert.InRange(set.Length, 58_000, 64_000);
        Assert.Equal(["* 1 FETCH (UID 1 FLAGS ())", "a OK UID FETCH completed"], await wire.CommandAsync("a", $"UID FETCH {set} (FLAGS)"));
    }

    [Fact]
    public async Task FETCH_of_messages_expunged_by_another_session_answers_EXPUNGEISSUED_until_the_client_syncs()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync();
        var first = await server.DeliverAsync(grant, "one");
        await server.DeliverAsync(grant, "two");
        await using var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("s", "SELECT INBOX");
        var inbox = await server.Mailbox.FolderAsync(grant.Id, "inbox");
        await server.Mailbox.Messages.DeleteAsync(grant.Id, MessageSelection.Ids(first.Id), CancellationToken.None);
        // RFC 9051 §7.5.1: no EXPUNGE during FETCH; the gone message is simply not there.
        Assert.Equal(["* 2 FETCH (UID 2)", "a NO [EXPUNGEISSUED] Some of the requested messages no longer exist"], await wire.CommandAsync("a", "FETCH 1:2 UID"));
        Assert.Equal(["* 1 EXPUNGE", "b OK NOOP completed"], await wire.CommandAsync("b", "NOOP"));
        Assert.Equal(["* 1 FETCH (UID 2)", "c OK FETCH completed"], await wire.CommandAsync("c", "FETCH 1 UID"));
        Assert.NotNull(inbox);
    }
}
