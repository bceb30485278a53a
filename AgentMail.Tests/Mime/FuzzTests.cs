using AgentMail.Tests.Mime.Support;

namespace AgentMail.Tests.Mime;

/// <summary>A bounded, deterministic fuzz run; the AgentMail.Fuzz "mime" command runs millions.</summary>
public class FuzzTests
{
    [Fact]
    public void ThousandsOfHostileInputsKeepEveryPromise()
    {
        var fuzzer = MimeFuzzer.FromDirectory(TestFiles.Directory);
        Assert.True(fuzzer.CorpusCount > 40);
        for (var i = 0; i < 2500; i++)
        {
            var random = new Random(unchecked(20240601 * 31 + i * 7919));
            var input = fuzzer.Generate(random);
            try
            {
                MimeFuzzer.Check(input, i);
            }
            catch (Exception e)
            {
                var path = Path.Combine(Path.GetTempPath(), $"mime-fuzz-failure-{i}.eml");
                File.WriteAllBytes(path, input);
                Assert.Fail($"iteration {i} failed (input saved to {path}): {e}");
            }
        }
    }

    [Fact]
    public void TheCheckerFailsOnBrokenOutput()
    {
        // The validator must be able to fail: a BODYSTRUCTURE with a bare CR in a quoted string.
        Assert.NotNull(ImapGrammar.ValidateBody("(\"TEXT\" \"PL\rAIN\" NIL NIL NIL \"7BIT\" 1 1)"u8.ToArray()));
    }
}
