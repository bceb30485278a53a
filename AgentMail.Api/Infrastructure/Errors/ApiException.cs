using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Errors;

/// <summary>
/// A refusal to answer with Nylas's error envelope <c>{request_id, error: {type, message}}</c>.
/// Thrown anywhere in a request; <see cref="ApiExceptionHandler"/> writes it.
/// </summary>
public sealed class ApiException(int statusCode, string type, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Type { get; } = type;

    public static ApiException BadRequest(string message) => new(StatusCodes.Status400BadRequest, ApiErrorTypes.InvalidRequest, message);

    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, ApiErrorTypes.NotFound, message);

    public static ApiException Conflict(string message, string type = ApiErrorTypes.Conflict) => new(StatusCodes.Status409Conflict, type, message);

    public static ApiException PayloadTooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, ApiErrorTypes.PayloadTooLarge, message);

    public static ApiException UnsupportedMediaType(string message) => new(StatusCodes.Status415UnsupportedMediaType, ApiErrorTypes.InvalidRequest, message);
}
