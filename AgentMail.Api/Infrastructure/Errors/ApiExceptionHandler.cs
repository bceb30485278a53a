using AgentMail.Mailbox;
using AgentMail.Mailbox.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentMail.Api.Infrastructure.Errors;

/// <summary>
/// Turns every exception a request throws into Nylas's error envelope: our own refusals, the
/// mailbox core's (<see cref="MailboxException"/>, <see cref="StoreUnavailableException"/>), and
/// Kestrel's (an oversized or broken body). Anything else is a 500 whose details stay in the log.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.RequestAborted.IsCancellationRequested)
            return true; // the client is gone; nobody reads an answer
        var error = Map(exception);
        if (error.StatusCode >= StatusCodes.Status500InternalServerError && exception is not StoreUnavailableException)
            LogUnexpected(logger, exception, context.Request.Method, context.Request.Path);
        if (context.Response.HasStarted)
        {
            // A streamed body (a download) broke midway: the only honest signal left is an aborted connection.
            context.Abort();
            return true;
        }
        context.Response.Clear();
        if (error.StatusCode == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = "5";
        await ErrorResponse.WriteAsync(context, error);
        return true;
    }

    public static ApiException Map(Exception exception) => exception switch
    {
        ApiException api => api,
        MailboxException mailbox => FromMailbox(mailbox),
        StoreUnavailableException => new ApiException(StatusCodes.Status503ServiceUnavailable, ApiErrorTypes.Api,
            "The mailbox store is temporarily unavailable; retry shortly."),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            ApiException.PayloadTooLarge("The request body is larger than this endpoint accepts."),
        BadHttpRequestException bad => new ApiException(bad.StatusCode, ApiErrorTypes.InvalidRequest, bad.Message),
        // Form parsing: a broken multipart body, or a part over the form limits.
        InvalidDataException bad => ApiException.BadRequest($"The request body is malformed: {bad.Message}"),
        _ => new ApiException(StatusCodes.Status500InternalServerError, ApiErrorTypes.Api, "An internal error occurred."),
    };

    private static ApiException FromMailbox(MailboxException e) => e.Error switch
    {
        MailboxError.GrantNotFound or MailboxError.FolderNotFound or MailboxError.MessageNotFound =>
            ApiException.NotFound(e.Message),
        MailboxError.GrantAlreadyExists or MailboxError.FolderAlreadyExists or MailboxError.FolderHasChildren =>
            ApiException.Conflict(e.Message),
        MailboxError.MessageTooLarge => ApiException.PayloadTooLarge(e.Message),
        MailboxError.QuotaExceeded => new ApiException(StatusCodes.Status403Forbidden, ApiErrorTypes.QuotaExceeded, e.Message),
        _ => ApiException.BadRequest(e.Message),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
