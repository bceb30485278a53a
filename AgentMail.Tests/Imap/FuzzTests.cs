using AgentMail.Tests.Imap.Support;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Bounded, deterministic fuzz runs; the AgentMail.Fuzz "imap" command runs millions of the
/// parser-level inputs. The wire run sends hostile input to the real server on a signed-in,
/// selected connection and checks that every answer is a well-formed response, no command ends
/// in an internal error, the connection keeps answering (or says BYE when asked to log out), and
/// other clients are served throughout.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void Thousands_of_hostile_command_streams_through_the_framer_and_parser()
    {
        for (var i = 0; i < 3000; i++)
        {
            var input = ImapFuzzer.Generate(new Random(unchecked(20241121 * 31 + i * 7919)));
            try
            {
                ImapFuzzer.Check(input);
            }
            catch (Exception e)
            {
                var path = Path.Combine(Path.GetTempPath(), $"imap-fuzz-failure-{i}.bin");
                File.WriteAllBytes(path, input);
                Assert.Fail($"iteration {i} failed (input saved to {path}): {e}");
            }
        }
    }

    [Fact]
    public void The_checker_fails_on_a_broken_promise()
    {
        // A literal announced and never sent is fine; a response line the framer cannot have written is not.
        ImapFuzzer.Check("a APPEND INBOX {10}\r\nabc"u8.ToArray());
        Assert.True(ImapFuzzer.IsResponseLine("a1 BAD Missing command", out var tag, out var status) && (tag, status) == ("a1", "BAD"));
        Assert.False(ImapFuzzer.IsResponseLine("a1 MAYBE", out _, out _));
    }

    [Fact]
    public async Task Hostile_input_on_the_wire_gets_BAD_or_NO_and_the_server_keeps_serving()
    {
        var server = await ImapTestServer.GetSharedAsync();
        var grant = await server.CreateAccountAsync("fuzz");
        for (var i = 0; i < 3; i++) await server.DeliverAsync(grant, $"Fuzz {i}");
        await using var bystander = await server.ConnectAsync(grant);
        await bystander.ExpectOkAsync("S", "EXAMINE INBOX");

        var wire = await OpenAsync(server, grant);
        var silent = 0;
        var bad = 0;
        try
        {
            for (var i = 0; i < 150; i++)
            {
                var input = ImapFuzzer.Generate(new Random(unchecked(777 * 31 + i * 7919)));
                var sentinel = $"Z{i}";
                await wire.SendAsync([.. input, .. "\r\n"u8, .. System.Text.Encoding.ASCII.GetBytes(sentinel + " NOOP\r\n")]);
                List<string> lines;
                try
                {
                    lines = await wire.ReadUntilAsync(l => l.StartsWith(sentinel + " ", StringComparison.Ordinal) || l.StartsWith("* BYE", StringComparison.Ordinal),
                        TimeSpan.FromMilliseconds(400));
                }
                catch (OperationCanceledException)
                {
                    // A literal that announced more than was sent swallows the sentinel: legitimate; start again.
                    silent++;
                    await wire.DisposeAsync();
                    wire = await OpenAsync(server, grant);
                    continue;
                }
                foreach (var line in lines)
                {
                    Assert.True(ImapFuzzer.IsResponseLine(line.Split("\r\n")[0], out _, out _), $"input {i}: malformed response line: {line}");
                    Assert.DoesNotContain("SERVERBUG", line);
                    if (ImapFuzzer.IsResponseLine(line, out _, out var status) && status == "BAD" || line.StartsWith("* BAD ", StringComparison.Ordinal)) bad++;
                }
                if (lines[^1].StartsWith("* BYE", StringComparison.Ordinal))
                {
                    Assert.True(lines[^1].StartsWith("* BYE AgentMail IMAP server logging out", StringComparison.Ordinal), $"input {i}: {lines[^1]}");
                    await wire.DisposeAsync();
                    wire = await OpenAsync(server, grant);
                }
                else
                {
                    Assert.Equal($"{sentinel} OK NOOP completed", lines[^1]);
                }
                if (i % 25 == 0) await bystander.ExpectOkAsync($"B{i}", "NOOP");
            }
        }
        finally
        {
            await wire.DisposeAsync();
        }
        Assert.True(silent < 75, $"{silent} of 150 inputs left the connection waiting for literal data");
        Assert.True(bad > 50, $"only {bad} BAD responses to 150 hostile inputs");
        await bystander.ExpectOkAsync("B", "NOOP");
        await using var newcomer = await server.ConnectAsync(grant);
        Assert.Single(await newcomer.ExpectOkAsync("L", "LIST \"\" Trash"), l => l.StartsWith("* LIST (", StringComparison.Ordinal) && l.EndsWith(" \"/\" \"Trash\"", StringComparison.Ordinal));
    }

    private static async Task<ImapWire> OpenAsync(ImapTestServer server, AgentMail.Mailbox.Grants.Grant grant)
    {
        var wire = await server.ConnectAsync(grant);
        await wire.ExpectOkAsync("S", "SELECT INBOX");
        return wire;
    }
}
