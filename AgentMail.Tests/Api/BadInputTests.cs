using System.Net;
using System.Text;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Tests.Api.Support;

namespace AgentMail.Tests.Api;

/// <summary>
/// The bad-input list, endpoint by endpoint: malformed JSON, wrong types, unknown enum values,
/// over-long and forged page tokens, unknown ids. Each answer is the exact Nylas-style error, and the
/// grant is unchanged afterwards (no message, flag, folder, event or outbound row written).
/// </summary>
public sealed class BadInputTests
{
    /// <summary>A request with placeholders ({g} grant, {m} message, {t} thread, {d} draft, {f} folder, {a} attachment, {x} unknown id).</summary>
    private sealed record Case(string Method, string Path, string? Body, int Status, string Type, string Message);

    private const string Invalid = "invalid_request_error";
    private const string NotFound = "not_found_error";

    private static readonly Case[] Cases =
    [
        // Messages: list filters
        new("GET", "/v3/grants/{g}/messages?limit=abc", null, 400, Invalid, "'limit' must be an integer from 1 to 200."),
        new("GET", "/v3/grants/{g}/messages?limit=500", null, 400, Invalid, "'limit' must be an integer from 1 to 200."),
        new("GET", "/v3/grants/{g}/messages?unread=maybe", null, 400, Invalid, "'unread' must be true or false."),
        new("GET", "/v3/grants/{g}/messages?starred=2", null, 400, Invalid, "'starred' must be true or false."),
        new("GET", "/v3/grants/{g}/messages?has_attachment=yes", null, 400, Invalid, "'has_attachment' must be true or false."),
        new("GET", "/v3/grants/{g}/messages?received_after=yesterday", null, 400, Invalid, "'received_after' must be an integer from 0 to 253402300799."),
        new("GET", "/v3/grants/{g}/messages?received_before=-1", null, 400, Invalid, "'received_before' must be an integer from 0 to 253402300799."),
        new("GET", "/v3/grants/{g}/messages?fields=everything", null, 400, Invalid, "'fields' must be one of standard, include_headers, include_basic_headers, include_tracking_options, raw_mime."),
        new("GET", "/v3/grants/{g}/messages?select=id,password", null, 400, Invalid, "'select' names an unknown field 'password'; fields are: attachments, bcc, body, cc, created_at, date, folders, from, grant_id, headers, id, in_reply_to, metadata, object, reply_to, snippet, starred, subject, thread_id, to, unread."),
        new("GET", "/v3/grants/{g}/messages?thread_id=not-a-thread", null, 200, "", ""),
        new("GET", "/v3/grants/{g}/messages?in=no-such-folder", null, 404, NotFound, "Folder 'no-such-folder' (from 'in') not found."),
        new("GET", "/v3/grants/{g}/messages?page_token=forged", null, 400, Invalid, "'page_token' is not valid: pass the next_cursor of the previous page, with the same filters."),
        new("GET", "/v3/grants/{g}/messages?page_token=" + new string('A', 300), null, 400, Invalid, "'page_token' is too long (300 characters; tokens we issue are at most 256)."),
        new("GET", "/v3/grants/{g}/messages?search_query_native=" + new string('q', 5000), null, 400, Invalid, "'search_query_native' is too long (5000 characters; at most 1024)."),
        // Messages: one message
        new("GET", "/v3/grants/{g}/messages/{x}", null, 404, NotFound, "Message '{x}' not found."),
        new("GET", "/v3/grants/{g}/messages/not-a-guid", null, 404, NotFound, "Message 'not-a-guid' not found."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"unread\": ", 400, Invalid, "The request body is not valid JSON at 'unread' (line 1, byte 12)."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "[]", 400, Invalid, "The request body must be an object."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"unread\": \"yes\"}", 400, Invalid, "'unread' must be true or false."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"starred\": 1}", 400, Invalid, "'starred' must be true or false."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"folders\": \"inbox\"}", 400, Invalid, "'folders' must be an array."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"folders\": [\"no-such-folder\"]}", 404, NotFound, "Folder 'no-such-folder' (from 'folders') not found."),
        new("PUT", "/v3/grants/{g}/messages/{m}", "{\"metadata\": \"x\"}", 400, Invalid, "'metadata' must be an object of string values."),
        new("PUT", "/v3/grants/{g}/messages/{x}", "{\"unread\": false}", 404, NotFound, "Message '{x}' not found."),
        new("DELETE", "/v3/grants/{g}/messages/{x}", null, 404, NotFound, "Message '{x}' not found."),
        new("DELETE", "/v3/grants/{g}/messages/{m}?hard_delete=perhaps", null, 400, Invalid, "'hard_delete' must be true or false."),
        // Send
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\"}", 400, Invalid, "The request body is not valid JSON at 'to[1]' (line 1, byte 30)."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"subject\": \"no recipients\"}", 400, Invalid, "At least one recipient is needed in 'to', 'cc' or 'bcc'."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": \"a@b.test\"}", 400, Invalid, "'to' must be an array."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"not an address\"}]}", 400, Invalid, "'to[0].email': 'not an address' is not an e-mail address: it needs a local part, '@' and a domain."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\"}], \"subject\": 5}", 400, Invalid, "'subject' must be a string."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\"}], \"reply_to_message_id\": \"{x}\"}", 404, NotFound, "'reply_to_message_id': message {x} not found."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\\r\\nBcc: victim@evil.test\"}]}", 400, Invalid, "'to[0].email': 'a@b.test\r\nBcc: victim@evil.test' is not a valid address: the local part may hold letters, digits and !#$%&'*+/=?^_`{|}~.- with no leading, trailing or double dots."),
        new("POST", "/v3/grants/{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\"}], \"custom_headers\": [{\"name\": \"X-A\\r\\nBcc\", \"value\": \"v\"}]}", 400, Invalid, "'custom_headers[0]': Invalid header name 'X-A\r\nBcc'."),
        // Drafts
        new("POST", "/v3/grants/{g}/drafts", "{\"subject\": 5}", 400, Invalid, "'subject' must be a string."),
        new("POST", "/v3/grants/{g}/drafts", "{\"to\": {\"email\": \"a@b.test\"}}", 400, Invalid, "'to' must be an array."),
        new("GET", "/v3/grants/{g}/drafts/{x}", null, 404, NotFound, "Draft '{x}' not found."),
        new("GET", "/v3/grants/{g}/drafts/{m}", null, 404, NotFound, "Draft '{m}' not found."),
        new("PUT", "/v3/grants/{g}/drafts/{d}", "{\"body\": false}", 400, Invalid, "'body' must be a string."),
        new("PUT", "/v3/grants/{g}/drafts/{x}", "{\"subject\": \"s\"}", 404, NotFound, "Draft '{x}' not found."),
        new("POST", "/v3/grants/{g}/drafts/{x}", "{}", 404, NotFound, "Draft '{x}' not found."),
        new("DELETE", "/v3/grants/{g}/drafts/{x}", null, 404, NotFound, "Draft '{x}' not found."),
        new("GET", "/v3/grants/{g}/drafts?page_token=forged", null, 400, Invalid, "'page_token' is not valid: pass the next_cursor of the previous page, with the same filters."),
        // Threads
        new("GET", "/v3/grants/{g}/threads/{x}", null, 404, NotFound, "Thread '{x}' not found."),
        new("GET", "/v3/grants/{g}/threads?latest_message_after=soon", null, 400, Invalid, "'latest_message_after' must be an integer from 0 to 253402300799."),
        new("GET", "/v3/grants/{g}/threads?page_token=forged", null, 400, Invalid, "'page_token' is not valid: pass the next_cursor of the previous page, with the same filters."),
        new("PUT", "/v3/grants/{g}/threads/{t}", "{\"unread\": \"no\"}", 400, Invalid, "'unread' must be true or false."),
        new("PUT", "/v3/grants/{g}/threads/{t}", "{\"folders\": [\"no-such-folder\"]}", 404, NotFound, "Folder 'no-such-folder' (from 'folders') not found."),
        new("DELETE", "/v3/grants/{g}/threads/{x}", null, 404, NotFound, "Thread '{x}' not found."),
        // Folders
        new("POST", "/v3/grants/{g}/folders", "{}", 400, Invalid, "'name' is required."),
        new("POST", "/v3/grants/{g}/folders", "{\"name\": \"\"}", 400, Invalid, "'name' is required."),
        new("POST", "/v3/grants/{g}/folders", "{\"name\": 5}", 400, Invalid, "'name' must be a string."),
        new("POST", "/v3/grants/{g}/folders", "{\"name\": \"Inbox\"}", 409, "conflict", "A folder named 'INBOX' already exists."),
        new("POST", "/v3/grants/{g}/folders", "{\"name\": \"x\", \"parent_id\": \"no-such-folder\"}", 404, NotFound, "Folder 'no-such-folder' (from 'parent_id') not found."),
        new("POST", "/v3/grants/{g}/folders", "{\"name\": \"" + new string('n', 2000) + "\"}", 400, Invalid, "A folder name must be at most 512 bytes of UTF-8."),
        new("GET", "/v3/grants/{g}/folders/no-such-folder", null, 404, NotFound, "Folder 'no-such-folder' (from 'folder_id') not found."),
        new("PUT", "/v3/grants/{g}/folders/inbox", "{\"name\": \"Renamed\"}", 400, Invalid, "'INBOX' is a system folder and cannot be renamed."),
        new("PUT", "/v3/grants/{g}/folders/{f}", "{\"name\": [1]}", 400, Invalid, "'name' must be a string."),
        new("DELETE", "/v3/grants/{g}/folders/inbox", null, 400, Invalid, "'INBOX' is a system folder and cannot be deleted."),
        new("DELETE", "/v3/grants/{g}/folders/no-such-folder", null, 404, NotFound, "Folder 'no-such-folder' (from 'folder_id') not found."),
        // Attachments
        new("GET", "/v3/grants/{g}/attachments/{a}", null, 400, Invalid, "'message_id' is required: the id of the message the attachment belongs to."),
        new("GET", "/v3/grants/{g}/attachments/{a}?message_id={x}", null, 404, NotFound, "Message '{x}' not found."),
        new("GET", "/v3/grants/{g}/attachments/no-such-part?message_id={m}", null, 404, NotFound, "Attachment 'no-such-part' not found on that message."),
        new("GET", "/v3/grants/{g}/attachments/{a}/download?message_id=not-a-guid", null, 404, NotFound, "Message 'not-a-guid' not found."),
        // Grants
        new("GET", "/v3/grants/{x}", null, 404, NotFound, "Grant '{x}' not found."),
        new("GET", "/v3/grants/nobody@agentmail.test", null, 404, NotFound, "Grant 'nobody@agentmail.test' not found."),
        new("PATCH", "/v3/grants/{g}", "{\"settings\": {\"app_password\": 12345}}", 400, Invalid, "'settings.app_password' must be a string."),
        new("PATCH", "/v3/grants/{g}", "{\"settings\": []}", 400, Invalid, "'settings' must be an object."),
        new("DELETE", "/v3/grants/{x}", null, 404, NotFound, "Grant '{x}' not found."),
        new("GET", "/v3/grants?offset=-1", null, 400, Invalid, "'offset' must be an integer from 0 to 2147483647."),
    ];

    [Fact]
    public async Task Every_endpoint_answers_bad_input_with_the_exact_error_and_changes_nothing()
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Bad input", attachment: ("a.txt", "text/plain", [65, 66])));
        var draft = await Seed.AppendAsync(server, grant.Id, Seed.Message("A draft"), SystemFolder.DraftsRole, MessageFlags.Draft);
        var folder = await server.Mailbox.Folders.CreateAsync(grant.Id, "Projects", CancellationToken.None);
        var before = await GrantSnapshot.TakeAsync(server, grant.Id);
        string Fill(string text) => text.Replace("{g}", grant.Id.ToString()).Replace("{m}", message.Id.ToString())
            .Replace("{t}", message.ThreadId.ToString()).Replace("{d}", draft.Id.ToString()).Replace("{f}", folder.PublicId)
            .Replace("{a}", message.Attachments.Single().Id).Replace("{x}", "0195f7a2-0000-7000-8000-00000000dead");

        var wrong = new StringBuilder();
        foreach (var c in Cases)
        {
            var path = Fill(c.Path);
            var response = c.Body is null
                ? await client.ApiSendAsync(new HttpMethod(c.Method), path)
                : await client.ApiSendRawAsync(new HttpMethod(c.Method), path, Fill(c.Body));
            var type = response.Status == HttpStatusCode.OK ? "" : response.ErrorType;
            var text = response.Status == HttpStatusCode.OK ? "" : response.ErrorMessage;
            if ((int)response.Status != c.Status || type != c.Type || text != Fill(c.Message) || (c.Status != 200 && response.Json?["request_id"] is null))
                wrong.AppendLine($"{c.Method} {c.Path[..Math.Min(c.Path.Length, 120)]} {c.Body?[..Math.Min(c.Body.Length, 80)]}\n    => {(int)response.Status} {type} \"{text}\"");
        }

        Assert.True(wrong.Length == 0, "Unexpected answers:\n" + wrong);
        Assert.Equal(before, await GrantSnapshot.TakeAsync(server, grant.Id));
    }

    [Fact]
    public async Task Without_a_valid_key_every_grant_endpoint_is_401_and_changes_nothing()
    {
        var server = await ApiServer.GetAsync();
        using var anonymous = server.CreateClient(apiKey: null);
        using var wrongKey = server.CreateClient("am_test_key_0123456789abcdeX");
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Keyless", attachment: ("a.txt", "text/plain", [65])));
        var before = await GrantSnapshot.TakeAsync(server, grant.Id);
        var g = $"/v3/grants/{grant.Id}";
        var requests = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Get, $"{g}/messages", null),
            (HttpMethod.Put, $"{g}/messages/{message.Id}", "{\"starred\": true}"),
            (HttpMethod.Delete, $"{g}/messages/{message.Id}", null),
            (HttpMethod.Post, $"{g}/messages/send", "{\"to\": [{\"email\": \"a@b.test\"}]}"),
            (HttpMethod.Post, $"{g}/drafts", "{\"subject\": \"d\"}"),
            (HttpMethod.Put, $"{g}/threads/{message.ThreadId}", "{\"unread\": false}"),
            (HttpMethod.Post, $"{g}/folders", "{\"name\": \"Keyless\"}"),
            (HttpMethod.Get, $"{g}/attachments/{message.Attachments.Single().Id}/download?message_id={message.Id}", null),
            (HttpMethod.Patch, g, "{\"name\": \"renamed\"}"),
            (HttpMethod.Delete, g, null),
        };

        foreach (var client in new[] { anonymous, wrongKey })
            foreach (var (method, path, body) in requests)
            {
                var response = body is null ? await client.ApiSendAsync(method, path) : await client.ApiSendRawAsync(method, path, body);
                Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{method} {path}: {response}");
                Assert.Equal("unauthorized", response.ErrorType);
                Assert.DoesNotContain("Keyless", response.Text);
            }

        Assert.Equal(before, await GrantSnapshot.TakeAsync(server, grant.Id));
    }

    [Theory]
    [InlineData("PUT", "/messages/{m}")]
    [InlineData("PUT", "/threads/{t}")]
    [InlineData("POST", "/folders")]
    [InlineData("PATCH", "")]
    public async Task An_oversized_JSON_body_is_413_and_changes_nothing(string method, string path)
    {
        var server = await ApiServer.GetAsync();
        using var client = server.CreateClient();
        var grant = await Seed.GrantAsync(server);
        var message = await Seed.AppendAsync(server, grant.Id, Seed.Message("Big"));
        var before = await GrantSnapshot.TakeAsync(server, grant.Id);
        var url = $"/v3/grants/{grant.Id}" + path.Replace("{m}", message.Id.ToString()).Replace("{t}", message.ThreadId.ToString());

        var response = await client.ApiSendRawAsync(new HttpMethod(method), url,
            "{\"unread\": false, \"name\": \"" + new string('x', 1024 * 1024 + 1) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("payload_too_large_error", response.ErrorType);
        Assert.Equal(before, await GrantSnapshot.TakeAsync(server, grant.Id));
    }
}
