using System.Net.Http.Json;
using System.Text.Json;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>Assertion helpers over HTTP responses that print the body when a status is unexpected.</summary>
public static class Http
{
    public static async Task EnsureStatusAsync(HttpResponseMessage response, int expected)
    {
        if ((int)response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {expected} but got {(int)response.StatusCode} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        }
    }

    public static async Task<Guid> IdAsync(HttpResponseMessage response, int expected = 201)
    {
        await EnsureStatusAsync(response, expected);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, int expected = 200)
    {
        await EnsureStatusAsync(response, expected);
        return (await response.Content.ReadFromJsonAsync<JsonElement>())!;
    }

    /// <summary>
    /// Asserts a 400 validation problem that names <paramref name="fields"/> (and is problem+json); returns its
    /// <c>errors</c> object for a test that also reads what a message says.
    /// </summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        await EnsureStatusAsync(response, 400);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = body.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"Expected an error for '{field}' in {body}");
        }

        return errors;
    }

    /// <summary>Asserts a problem+json response with <paramref name="status"/>.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        await EnsureStatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(status, body.GetProperty("status").GetInt32());
    }
}
