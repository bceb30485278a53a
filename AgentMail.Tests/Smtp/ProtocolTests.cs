extern alias smtp;

using System.Buffers;
using System.Text;
using AgentMail.Tests.Smtp.Support;
using smtp::AgentMail.Smtp.Outbound;
using smtp::AgentMail.Smtp.Protocol;

namespace AgentMail.Tests.Smtp;

/// <summary>The protocol pieces alone: command parsing, dot-unstuffing, the size-limited buffer, and a bounded fuzz run.</summary>
public sealed class ProtocolTests
{
    private static SmtpParseResult Parse(string line) => SmtpCommandParser.Parse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(line)));

    [Theory]
    [InlineData("MAIL FROM:<a@example.com> SIZE=10 BODY=8BITMIME", SmtpVerb.Mail, "a@example.com", "SIZE=10,BODY=8BITMIME")]
    [InlineData("mail from: <a@example.com>", SmtpVerb.Mail, "a@example.com", "")]
    [InlineData("MAIL FROM:a@example.com", SmtpVerb.Mail, "a@example.com", "")]
    [InlineData("MAIL FROM:<>", SmtpVerb.Mail, "", "")]
    [InlineData("RCPT TO:<Postmaster>", SmtpVerb.Rcpt, "postmaster", "")]
    [InlineData("RCPT TO:<@one.example,@two.example:u@three.example>", SmtpVerb.Rcpt, "u@three.example", "")]
    [InlineData("RCPT TO:<\"a b\\\"c\"@example.com>", SmtpVerb.Rcpt, "\"a b\\\"c\"@example.com", "")]
    [InlineData("RCPT TO:<jörg@bücher.example>", SmtpVerb.Rcpt, "jörg@bücher.example", "")]
    [InlineData("RCPT TO:<u@[192.0.2.1]>", SmtpVerb.Rcpt, "u@[192.0.2.1]", "")]
    [InlineData("RCPT TO:<u@[IPv6:2001:db8::1]>", SmtpVerb.Rcpt, "u@[IPv6:2001:db8::1]", "")]
    [InlineData("MAIL FROM:<a@example.com> SMTPUTF8 AUTH=<>", SmtpVerb.Mail, "a@example.com", "SMTPUTF8=,AUTH=<>")]
    public void Paths_and_parameters_parse(string line, SmtpVerb verb, string address, string parameters)
    {
        var command = Parse(line).Command!;
        Assert.Equal(verb, command.Verb);
        Assert.Equal(address, command.Path!.Address);
        Assert.Equal(parameters, string.Join(',', command.Parameters.Select(p => $"{p.Keyword}={p.Value}")));
    }

    [Fact]
    public void Other_commands_parse_with_their_arguments()
    {
        Assert.Equal(("PLAIN", "AGFAYgBj"), (Parse("auth plain AGFAYgBj").Command!.Argument, Parse("auth plain AGFAYgBj").Command!.InitialResponse));
        Assert.Equal((100L, true), (Parse("BDAT 100 last").Command!.ChunkSize, Parse("BDAT 100 last").Command!.Last));
        Assert.Equal((0L, false), (Parse("BDAT 0").Command!.ChunkSize, Parse("BDAT 0").Command!.Last));
        Assert.Equal("501 5.5.4 Syntax: BDAT <size> [LAST]", Parse("BDAT 1234567890123456789").Error!.ToString());
        Assert.Equal("[192.0.2.1]", Parse("EHLO [192.0.2.1]").Command!.Argument);
        Assert.Equal(SmtpVerb.StartTls, Parse("starttls").Command!.Verb);
        Assert.Equal("500 5.5.2 Syntax error, command unrecognized", Parse("STARTTLSX").Error!.ToString());
        Assert.Equal("500 5.5.2 Syntax error, command unrecognized", Parse("").Error!.ToString());
        Assert.Equal("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]", Parse("MAIL TO:<a@b.c>").Error!.ToString());
        Assert.Equal("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]", Parse("MAIL FROM:<a@b.c> =x").Error!.ToString());
        // Found by the fuzzer: a general address literal could carry "<" into replies; only IPv4 and IPv6 literals exist.
        Assert.Equal("501 5.1.3 Bad recipient address syntax", Parse("RCPT TO:<a@[IPv62001:db8:<:1]>").Error!.ToString());
        Assert.Equal("501 5.1.3 Bad recipient address syntax", Parse("RCPT TO:<a@[x-tag:stuff]>").Error!.ToString());
    }

    [Fact]
    public void A_line_split_across_segments_parses_the_same()
    {
        var line = Encoding.UTF8.GetBytes("MAIL FROM:<jörg.user+tag@bücher.example> SIZE=12345 BODY=8BITMIME");
        for (var seed = 0; seed < 200; seed++)
        {
            var command = SmtpCommandParser.Parse(SmtpFuzzer.Segmented(line, new Random(seed))).Command!;
            Assert.Equal("jörg.user+tag@bücher.example", command.Path!.Address);
            Assert.Equal(2, command.Parameters.Count);
        }
    }

    [Theory]
    [InlineData(".\r\n", "")]
    [InlineData("\r\n.\r\n", "\r\n")]
    [InlineData("a\r\n.\r\n", "a\r\n")]
    [InlineData("..\r\n.\r\n", ".\r\n")]
    [InlineData("...x\r\n.\r\n", "..x\r\n")]
    [InlineData(".x\r\n.\r\n", "x\r\n")]
    [InlineData("a.\r\n.b\r\n.\r\n", "a.\r\nb\r\n")]
    [InlineData("a\r\n. \r\n.\r\n", "a\r\n \r\n")]
    [InlineData("a\r\n..\r\n..\r\n.\r\n", "a\r\n.\r\n.\r\n")]
    public void Dot_unstuffing_is_exact_in_every_chunking(string wire, string message)
    {
        var bytes = Encoding.ASCII.GetBytes(wire + "QUIT\r\n");
        for (var chunk = 1; chunk <= bytes.Length; chunk++)
        {
            using var buffer = new MessageBuffer(1000);
            var unstuffer = new DotUnstuffer();
            var at = 0;
            while (!unstuffer.Completed)
                at += unstuffer.Process(bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at)), buffer);
            Assert.Equal(message, Encoding.ASCII.GetString(buffer.Memory.Span));
            Assert.Equal("QUIT\r\n", Encoding.ASCII.GetString(bytes, at, bytes.Length - at)); // the next command is left in place
            Assert.False(unstuffer.BareLineEnding);
        }
    }

    [Theory]
    [InlineData("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", true, false)]
    [InlineData(".\rx\r\n.\r\n", "\rx\r\n", true, false)]
    [InlineData("a\rb\r\n.\r\n", "a\rb\r\n", true, false)]
    [InlineData("a\0b\r\n.\r\n", "a\0b\r\n", false, true)]
    [InlineData("a\r\n.\n.\r\n.\r\n", "a\r\n\n.\r\n", true, false)]
    public void Bare_line_ends_and_NUL_are_content_and_reported(string wire, string message, bool bare, bool nul)
    {
        using var buffer = new MessageBuffer(1000);
        var unstuffer = new DotUnstuffer();
        unstuffer.Process(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(wire)), buffer);
        Assert.True(unstuffer.Completed);
        Assert.Equal(message, Encoding.ASCII.GetString(buffer.Memory.Span));
        Assert.Equal((bare, nul), (unstuffer.BareLineEnding, unstuffer.ContainsNul));
    }

    [Fact]
    public void The_buffer_never_grows_past_its_limit_but_counts_everything()
    {
        using var buffer = new MessageBuffer(100);
        buffer.Write(new byte[60]);
        buffer.Write(new byte[60]);
        buffer.Write(new byte[1_000_000]);
        Assert.True(buffer.Overflowed);
        Assert.Equal(1_000_120, buffer.TotalLength);
        Assert.Equal(60, buffer.Memory.Length); // the write that crossed the limit was not kept
    }

    [Fact]
    public void Line_ending_check_works_across_chunks()
    {
        var check = new LineEndingCheck();
        check.Scan("abc\r"u8);
        check.Scan("\ndef\r\n"u8);
        check.Complete();
        Assert.False(check.BareLineEnding);
        var broken = new LineEndingCheck();
        broken.Scan("abc\r"u8);
        broken.Scan("x\r\n"u8);
        Assert.True(broken.BareLineEnding);
        var trailing = new LineEndingCheck();
        trailing.Scan("abc\r"u8);
        trailing.Complete();
        Assert.True(trailing.BareLineEnding);
    }

    [Fact]
    public void Retry_delays_double_up_to_the_maximum()
    {
        var delays = Enumerable.Range(1, 8).Select(n => RetrySchedule.DelayAfter(n, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)).TotalMinutes);
        Assert.Equal([5, 10, 20, 40, 60, 60, 60, 60], delays);
    }

    [Fact]
    public void Thousands_of_hostile_command_lines_and_DATA_streams_keep_every_promise()
    {
        for (var i = 0; i < 20_000; i++)
        {
            var input = SmtpFuzzer.Generate(new Random(unchecked(20261121 * 31 + i * 7919)));
            try
            {
                SmtpFuzzer.Check(input, i);
            }
            catch (Exception e)
            {
                var path = Path.Combine(Path.GetTempPath(), $"smtp-fuzz-failure-{i}.bin");
                File.WriteAllBytes(path, input);
                Assert.Fail($"iteration {i} failed (input saved to {path}): {e}");
            }
        }
    }
}
