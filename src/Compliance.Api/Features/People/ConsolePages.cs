using System.Security.Claims;
using System.Text;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Templates;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace Compliance.Api.Features.People;

/// <summary>
/// The console's server-rendered pages (English for now): sign-in, second factor, enrolment, setup with a one-time code,
/// password change, sign-out and a home page. Every page works without JavaScript; every form carries an antiforgery
/// token; post, then redirect. Passkeys are the one enhancement: <c>/console/passkeys.js</c> (our own, same origin)
/// shows their sections only where the browser has WebAuthn, and talks JSON to the passkey endpoints below. Sign-in failures answer one message and one status whatever went wrong, after the same password-hash work.
/// </summary>
public static class ConsolePages
{
    public const string Home = "/console";
    public const string SignIn = "/console/sign-in";
    public const string TwoFactor = "/console/two-factor";
    public const string Enrol = "/console/enrol-two-factor";
    public const string Setup = "/console/setup";
    public const string Password = "/console/password";
    public const string SignOut = "/console/sign-out";
    public const string PasskeyScript = "/console/passkeys.js";
    public const string Passkeys = "/console/passkeys";
    public const string PasskeyCreationOptions = "/console/passkeys/creation-options";
    public const string PasskeyRequestOptions = "/console/passkeys/request-options";
    public const string PasskeySignIn = "/console/sign-in/passkey";

    /// <summary>The policy of the signed-in pages: a person's session (never a key).</summary>
    public const string ConsolePolicy = "console-person";

    /// <summary>Rate-limit policy of the credential forms (sign-in, second factor, setup).</summary>
    public const string AttemptsRateLimit = "console-attempts";

    public const string SignInFailed = "That email and password do not match an account that can sign in now. Check them and try again.";

    /// <summary>The console's policy: our own stylesheet and passkey script only (nothing inline), fetches to us only.</summary>
    public const string Csp = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public const string PasskeyFailed = "That passkey could not be added. Try again, or use an authenticator app below.";

    /// <summary>The most a credential's JSON may take (a credential id is at most 1023 bytes; attestations are small).</summary>
    private const int MaxCredentialJsonBytes = 64 * 1024;

    private const string CodeFailed = "That code is not right. Type the code your authenticator app shows now.";

    private const string SetupFailed = "That email and setup code do not match an open invitation, or the code has expired.";

    public static void Map(WebApplication app)
    {
        var console = app.MapGroup(Home).ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .AddEndpointFilter(ConsoleFilterAsync);
        console.MapGet("/console.css", Stylesheet).AllowAnonymous();
        console.MapGet("/passkeys.js", Script).AllowAnonymous();

        var open = console.MapGroup(string.Empty).AllowAnonymous();
        open.MapGet("/sign-in", SignInForm);
        open.MapPost("/sign-in", SignInAsync).RequireRateLimiting(AttemptsRateLimit);
        open.MapGet("/two-factor", TwoFactorFormAsync);
        open.MapPost("/two-factor", TwoFactorAsync).RequireRateLimiting(AttemptsRateLimit);
        open.MapGet("/setup", SetupForm);
        open.MapPost("/setup", SetupAsync).RequireRateLimiting(AttemptsRateLimit);
        open.MapPost("/sign-out", SignOutAsync);
        open.MapPost("/passkeys/request-options", PasskeyRequestOptionsAsync).RequireRateLimiting(AttemptsRateLimit);
        open.MapPost("/sign-in/passkey", PasskeySignInAsync).RequireRateLimiting(AttemptsRateLimit);

        var signedIn = console.MapGroup(string.Empty).RequireAuthorization(ConsolePolicy).AddEndpointFilter(SecondFactorFirstAsync);
        signedIn.MapGet("/", HomeAsync);
        signedIn.MapGet("/enrol-two-factor", EnrolFormAsync);
        signedIn.MapPost("/enrol-two-factor", EnrolAsync);
        signedIn.MapPost("/enrol-two-factor/reset", ResetTwoFactorAsync);
        signedIn.MapPost("/passkeys/creation-options", PasskeyCreationOptionsAsync);
        signedIn.MapPost("/passkeys", AddPasskeyAsync);
        signedIn.MapGet("/password", PasswordForm);
        signedIn.MapPost("/password", ChangePasswordAsync);
        Pages.PagesModule.Map(signedIn);
    }

    /// <summary>The console's response headers, on every page and redirect; and a forged form post stops here.</summary>
    private static async ValueTask<object?> ConsoleFilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        SetHeaders(http.Response);
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            return Message(http.RequestServices.GetRequiredService<TemplateStore>(), "Form expired", "This form was open too long or came from elsewhere. Open the page again and retry.", SignIn, "Sign in", StatusCodes.Status400BadRequest);
        }

        return await next(context);
    }

    public static void SetHeaders(HttpResponse response)
    {
        response.OnStarting(() =>
        {
            var headers = response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            headers.ContentSecurityPolicy = Csp;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            return Task.CompletedTask;
        });
    }

    /// <summary>An office member who has not enrolled a second factor may use only the enrolment page (and sign out).</summary>
    private static async ValueTask<object?> SecondFactorFirstAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.User.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.OfficeClaim)
            && !PersonClaims.UsedSecondFactor(http.User)
            && !http.Request.Path.StartsWithSegments(Enrol, StringComparison.OrdinalIgnoreCase)
            && !http.Request.Path.StartsWithSegments(Passkeys, StringComparison.OrdinalIgnoreCase))
        {
            return SeeOther(Enrol);
        }

        return await next(context);
    }

    private static IResult Stylesheet(TemplateStore templates) =>
        Results.Text(templates.ReadText("console/console.css"), "text/css; charset=utf-8");

    private static IResult Script(TemplateStore templates) =>
        Results.Text(templates.ReadText("console/passkeys.js"), "text/javascript; charset=utf-8");

    private static IResult Page(TemplateStore templates, string title, string name, object model, int status = StatusCodes.Status200OK) =>
        Results.Content(
            templates.Render("console/_layout.sbn", new { Title = title, Body = templates.Render($"console/{name}.sbn", model) }),
            "text/html; charset=utf-8",
            Encoding.UTF8,
            status);

    private static IResult Message(TemplateStore templates, string heading, string text, string link, string linkText, int status) =>
        Page(templates, heading, "message", new { Heading = heading, Text = text, Link = link, LinkText = linkText }, status);

    /// <summary>The 429 page of the credential forms (written by the rate limiter's rejection, before any endpoint runs).</summary>
    public static Task WriteTooManyAttemptsAsync(HttpContext http, CancellationToken ct)
    {
        SetHeaders(http.Response);
        var templates = http.RequestServices.GetRequiredService<TemplateStore>();
        var body = templates.Render("console/_layout.sbn", new
        {
            Title = "Too many attempts",
            Body = templates.Render("console/message.sbn", new
            {
                Heading = "Too many attempts",
                Text = "Too many sign-in attempts came from your connection. Wait a minute, then try again.",
                Link = SignIn,
                LinkText = "Sign in",
            }),
        });
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(body, ct);
    }

    private static SeeOtherResult SeeOther(string url) => new(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    private static (string Field, string Token) NewToken(HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return (tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>
    /// A failed credential form is answered with the token it came with (it was valid, or the request would have
    /// stopped), so two failures of the same client read the same, byte for byte, whatever failed.
    /// </summary>
    private static (string Field, string Token) PostedToken(HttpContext http, IAntiforgery antiforgery, IFormCollection form)
    {
        var field = antiforgery.GetTokens(http).FormFieldName;
        return (field, form[field].ToString());
    }

    private static IResult SignInForm(HttpContext http, IAntiforgery antiforgery, TemplateStore templates)
    {
        var (field, token) = NewToken(http, antiforgery);
        var notice = http.Request.Query["done"].ToString() == "setup" ? "Your password is set. Sign in with it." : null;
        return SignInPage(templates, field, token, notice, failed: null, new Dictionary<string, string>(), StatusCodes.Status200OK);
    }

    private static IResult SignInPage(TemplateStore templates, string field, string token, string? notice, string? failed, Dictionary<string, string> fieldErrors, int status) =>
        Page(templates, "Sign in", "sign-in", new { TokenField = field, Token = token, Notice = notice, Failed = failed, FieldErrors = fieldErrors }, status);

    private static async Task<IResult> SignInAsync(
        HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonSignInManager signIn, DummyPassword dummy)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (field, token) = PostedToken(http, antiforgery, form);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        var fieldErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (email.Length is 0 or > 254)
        {
            fieldErrors["email"] = "Enter your email.";
        }

        if (password.Length is 0 or > 1000)
        {
            fieldErrors["password"] = "Enter your password.";
        }

        if (fieldErrors.Count > 0)
        {
            return SignInPage(templates, field, token, null, null, fieldErrors, StatusCodes.Status400BadRequest);
        }

        var person = await users.FindByEmailAsync(email);
        Microsoft.AspNetCore.Identity.SignInResult result;
        if (person is null)
        {
            // The same hash work as a wrong password, so an unknown email takes as long.
            dummy.Verify(password);
            result = Microsoft.AspNetCore.Identity.SignInResult.Failed;
        }
        else
        {
            var hashes = person.PasswordHash is not null;
            result = await signIn.PasswordSignInAsync(person, password, isPersistent: false, lockoutOnFailure: true);

            // Locked out, disabled and not-yet-set-up accounts are refused before any hash is checked.
            if (result.IsLockedOut || result.IsNotAllowed || !hashes)
            {
                dummy.Verify(password);
            }
        }

        if (result.Succeeded)
        {
            return SeeOther(person!.IsOfficeMember && !person.TwoFactorEnabled ? Enrol : Home);
        }

        if (result.RequiresTwoFactor)
        {
            return SeeOther(TwoFactor);
        }

        return SignInPage(templates, field, token, null, SignInFailed, fieldErrors, StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> TwoFactorFormAsync(HttpContext http, IAntiforgery antiforgery, TemplateStore templates, PersonSignInManager signIn)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return SeeOther(SignIn);
        }

        var (field, token) = NewToken(http, antiforgery);
        return Page(templates, "Enter your code", "two-factor", new { TokenField = field, Token = token, Failed = (string?)null });
    }

    private static async Task<IResult> TwoFactorAsync(HttpContext http, IAntiforgery antiforgery, TemplateStore templates, PersonSignInManager signIn)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
        {
            return SeeOther(SignIn);
        }

        var code = Digits(form["code"].ToString());
        var result = code.Length == 6
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : Microsoft.AspNetCore.Identity.SignInResult.Failed;
        if (result.Succeeded)
        {
            return SeeOther(Home);
        }

        var (field, token) = PostedToken(http, antiforgery, form);
        return Page(templates, "Enter your code", "two-factor", new { TokenField = field, Token = token, Failed = CodeFailed }, StatusCodes.Status401Unauthorized);
    }

    private static IResult SetupForm(HttpContext http, IAntiforgery antiforgery, TemplateStore templates)
    {
        var (field, token) = NewToken(http, antiforgery);
        return Page(templates, "Set your password", "setup", new { TokenField = field, Token = token, Errors = Array.Empty<string>(), FieldErrors = new Dictionary<string, string>() });
    }

    private static async Task<IResult> SetupAsync(HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonAccounts accounts)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (field, token) = PostedToken(http, antiforgery, form);
        var email = form["email"].ToString().Trim();
        var code = form["code"].ToString();
        var password = form["password"].ToString();
        var fieldErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (email.Length is 0 or > 254)
        {
            fieldErrors["email"] = "Enter the email you were invited with.";
        }

        if (code.Trim().Length is 0 or > 64)
        {
            fieldErrors["code"] = "Enter your setup code.";
        }

        if (await PasswordProblemsAsync(users, password) is { Count: > 0 } problems)
        {
            fieldErrors["password"] = string.Join(" ", problems);
        }

        if (form["confirm"].ToString() != password)
        {
            fieldErrors["confirm"] = "The two passwords differ.";
        }

        IResult Form(IReadOnlyList<string> errors) =>
            Page(templates, "Set your password", "setup", new { TokenField = field, Token = token, Errors = errors, FieldErrors = fieldErrors }, StatusCodes.Status400BadRequest);

        if (fieldErrors.Count > 0)
        {
            return Form([]);
        }

        var result = await accounts.SetUpAsync(email, code, password, http.RequestAborted);
        if (result is null)
        {
            return Form([SetupFailed]);
        }

        if (!result.Succeeded)
        {
            return Form([.. result.Errors.Select(e => e.Description)]);
        }

        return SeeOther(SignIn + "?done=setup");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, PersonSignInManager signIn)
    {
        await signIn.SignOutAsync();
        return SeeOther(SignIn);
    }

    /// <summary>The signed-in home: who you are, how you signed in, and the pages your role works in (the console's navigation).</summary>
    private static async Task<IResult> HomeAsync(HttpContext http, UserManager<Person> users)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return SeeOther(SignIn);
        }

        return Pages.ConsoleView.Page(http, person.DisplayName, "home", new
        {
            Start = Pages.ConsoleView.StartOf(person.Role),
            person.DisplayName,
            person.Role,
            TenantId = person.TenantId?.ToString(),
            SupplierId = person.SupplierId?.ToString(),
            OfficeId = person.OfficeId?.ToString(),
            Mfa = PersonClaims.UsedSecondFactor(http.User),
            person.TwoFactorEnabled,
            Passkeys = (await users.GetPasskeysAsync(person)).Count,
            CanAddPasskey = CanAddPasskey(person, http.User),
        });
    }

    private static async Task<IResult> EnrolFormAsync(HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonSignInManager signIn) =>
        await users.GetUserAsync(http.User) is { } person
            ? await EnrolPageAsync(http, antiforgery, templates, users, signIn, person, [], StatusCodes.Status200OK)
            : SeeOther(SignIn);

    private static async Task<IResult> EnrolPageAsync(
        HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonSignInManager signIn, Person person, IReadOnlyList<string> errors, int status)
    {
        var key = await users.GetAuthenticatorKeyAsync(person);
        if (string.IsNullOrEmpty(key))
        {
            // A new key changes the security stamp, which would end this very session: re-issue it.
            await users.ResetAuthenticatorKeyAsync(person);
            await signIn.ResignInAsync(person, http.User, http.User.FindFirstValue(PersonClaims.AuthenticationMethod) ?? PersonClaims.Password);
            key = await users.GetAuthenticatorKeyAsync(person);
        }

        var uri = $"otpauth://totp/{Uri.EscapeDataString("Compliance:" + person.Email)}?secret={key}&issuer=Compliance&digits=6";
        var (field, token) = NewToken(http, antiforgery);
        return Page(templates, "Two-factor sign-in", "enrol-two-factor", new
        {
            Enabled = person.TwoFactorEnabled && PersonClaims.UsedSecondFactor(http.User),
            Required = person.IsOfficeMember,
            Key = Grouped(key!),
            QrDataUri = QrDataUri(uri),
            Errors = errors,
            Passkeys = (await users.GetPasskeysAsync(person)).Count,
            CanAddPasskey = CanAddPasskey(person, http.User),
            TokenField = field,
            Token = token,
        }, status);
    }

    private static async Task<IResult> EnrolAsync(
        HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonSignInManager signIn, IPersonEvents events)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return SeeOther(SignIn);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var code = Digits(form["code"].ToString());
        if (code.Length != 6 || !await users.VerifyTwoFactorTokenAsync(person, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return await EnrolPageAsync(http, antiforgery, templates, users, signIn, person, [CodeFailed], StatusCodes.Status400BadRequest);
        }

        // Turning two factors on changes the security stamp: every other session ends; this one goes on with amr=mfa.
        await users.SetTwoFactorEnabledAsync(person, true);
        await signIn.ResignInAsync(person, http.User, PersonClaims.Mfa);
        await events.TwoFactorEnabledAsync(person, http.RequestAborted);
        return SeeOther(Home);
    }

    private static async Task<IResult> ResetTwoFactorAsync(HttpContext http, UserManager<Person> users, PersonSignInManager signIn)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return SeeOther(SignIn);
        }

        await users.SetTwoFactorEnabledAsync(person, false);
        await users.ResetAuthenticatorKeyAsync(person);
        await signIn.ResignInAsync(person, http.User, PersonClaims.Password);
        return SeeOther(Enrol);
    }

    /// <summary>
    /// Who may add a passkey: a person without two factors yet (the passkey is their enrolment, as an authenticator app
    /// is), or one whose session used two factors. Never a password-only session of a person who has two factors.
    /// </summary>
    private static bool CanAddPasskey(Person person, ClaimsPrincipal user) =>
        !person.TwoFactorEnabled || PersonClaims.UsedSecondFactor(user);

    private static IResult Json(int status, object body) => Results.Json(body, statusCode: status);

    /// <summary>The request's body, the JSON of a credential, or null when it is empty or too long.</summary>
    private static async Task<string?> CredentialJsonAsync(HttpRequest request)
    {
        if (request.ContentLength is > MaxCredentialJsonBytes)
        {
            return null;
        }

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxCredentialJsonBytes + 1];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), request.HttpContext.RequestAborted);
        return read is 0 or > MaxCredentialJsonBytes ? null : new string(buffer, 0, read);
    }

    /// <summary>
    /// Options for <c>navigator.credentials.create()</c> for the signed-in person (JSON); the challenge and the person
    /// are kept in Identity's short-lived two-factor cookie until the credential comes back.
    /// </summary>
    private static async Task<IResult> PasskeyCreationOptionsAsync(HttpContext http, UserManager<Person> users, PersonSignInManager signIn)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return Json(StatusCodes.Status401Unauthorized, new { message = "Sign in again." });
        }

        if (!CanAddPasskey(person, http.User))
        {
            return Json(StatusCodes.Status403Forbidden, new { message = "Sign in with your second factor to add a passkey." });
        }

        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity
        {
            Id = person.Id.ToString(),
            Name = person.Email ?? person.UserName ?? person.Id.ToString(),
            DisplayName = person.DisplayName,
        });
        return Results.Text(options, "application/json; charset=utf-8");
    }

    /// <summary>
    /// Stores the credential <c>navigator.credentials.create()</c> made from <see cref="PasskeyCreationOptionsAsync"/>'s
    /// options, for the person they were made for. A person without two factors has them now (as with an authenticator
    /// app: the security stamp changes, other sessions end, the roster hears of it); this session goes on with
    /// <c>amr=mfa</c>. Anything wrong is a 400 that writes nothing.
    /// </summary>
    private static async Task<IResult> AddPasskeyAsync(HttpContext http, UserManager<Person> users, PersonSignInManager signIn, IPersonEvents events)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return Json(StatusCodes.Status401Unauthorized, new { message = "Sign in again." });
        }

        if (!CanAddPasskey(person, http.User))
        {
            return Json(StatusCodes.Status403Forbidden, new { message = "Sign in with your second factor to add a passkey." });
        }

        if (await CredentialJsonAsync(http.Request) is not { } json)
        {
            return Json(StatusCodes.Status400BadRequest, new { message = PasskeyFailed });
        }

        PasskeyAttestationResult attestation;
        try
        {
            attestation = await signIn.PerformPasskeyAttestationAsync(json);
        }
        catch (InvalidOperationException)
        {
            // No creation options were issued to this browser, or they were used already.
            return Json(StatusCodes.Status400BadRequest, new { message = PasskeyFailed });
        }

        if (!attestation.Succeeded || attestation.UserEntity.Id != person.Id.ToString() || !attestation.Passkey.IsUserVerified)
        {
            return Json(StatusCodes.Status400BadRequest, new { message = PasskeyFailed });
        }

        var added = await users.AddOrUpdatePasskeyAsync(person, attestation.Passkey);
        if (!added.Succeeded)
        {
            return Json(StatusCodes.Status400BadRequest, new { message = PasskeyFailed });
        }

        if (!person.TwoFactorEnabled)
        {
            await users.SetTwoFactorEnabledAsync(person, true);
            await events.TwoFactorEnabledAsync(person, http.RequestAborted);
        }

        await signIn.ResignInAsync(person, http.User, PersonClaims.Mfa);
        return Json(StatusCodes.Status200OK, new { redirect = Home });
    }

    /// <summary>Options for <c>navigator.credentials.get()</c>, for any passkey of ours the browser holds (JSON).</summary>
    private static async Task<IResult> PasskeyRequestOptionsAsync(PersonSignInManager signIn) =>
        Results.Text(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json; charset=utf-8");

    /// <summary>
    /// Signs in with the credential <c>navigator.credentials.get()</c> returned: a session with <c>amr=mfa</c>, or the
    /// sign-in form's one failure message, whatever went wrong.
    /// </summary>
    private static async Task<IResult> PasskeySignInAsync(HttpContext http, PersonSignInManager signIn)
    {
        var json = await CredentialJsonAsync(http.Request);
        var result = json is null ? Microsoft.AspNetCore.Identity.SignInResult.Failed : await signIn.PasskeySignInAsync(json);
        return result.Succeeded
            ? Json(StatusCodes.Status200OK, new { redirect = Home })
            : Json(StatusCodes.Status401Unauthorized, new { message = SignInFailed });
    }

    private static IResult PasswordForm(HttpContext http, IAntiforgery antiforgery, TemplateStore templates)
    {
        var (field, token) = NewToken(http, antiforgery);
        return Page(templates, "Change your password", "password", new { TokenField = field, Token = token, Errors = Array.Empty<string>() });
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext http, IAntiforgery antiforgery, TemplateStore templates, UserManager<Person> users, PersonSignInManager signIn)
    {
        if (await users.GetUserAsync(http.User) is not { } person)
        {
            return SeeOther(SignIn);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (field, token) = PostedToken(http, antiforgery, form);
        var password = form["password"].ToString();
        var errors = new List<string>(await PasswordProblemsAsync(users, password));
        if (form["confirm"].ToString() != password)
        {
            errors.Add("The two new passwords differ.");
        }

        if (errors.Count == 0)
        {
            var changed = await users.ChangePasswordAsync(person, form["current"].ToString(), password);
            if (changed.Succeeded)
            {
                await signIn.ResignInAsync(person, http.User, http.User.FindFirstValue(PersonClaims.AuthenticationMethod) ?? PersonClaims.Password);
                return SeeOther(Home);
            }

            errors.AddRange(changed.Errors.Select(e => e.Description));
        }

        return Page(templates, "Change your password", "password", new { TokenField = field, Token = token, Errors = errors }, StatusCodes.Status400BadRequest);
    }

    /// <summary>Identity's password rules, checked before any account is looked at.</summary>
    private static async Task<List<string>> PasswordProblemsAsync(UserManager<Person> users, string password)
    {
        if (password.Length == 0)
        {
            return ["Enter a password."];
        }

        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, new Person(), password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }

        return problems;
    }

    private static string Digits(string code) => new([.. code.Where(char.IsAsciiDigit)]);

    private static string Grouped(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - (i * 4))))).ToLowerInvariant();

    /// <summary>A QR code as a PNG data URI (the CSP allows <c>img-src data:</c>): an authenticator's key, a site's worker page.</summary>
    internal static string QrDataUri(string text, int pixelsPerModule = 5)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        using var png = new PngByteQRCode(data);
        return "data:image/png;base64," + Convert.ToBase64String(png.GetGraphic(pixelsPerModule));
    }
}

/// <summary>
/// A password hash of nothing anyone knows, verified when there is no real one to check, so every failure costs the same.
/// A singleton (the hash is made once), so it holds its own <see cref="PasswordHasher{TUser}"/> with Identity's options,
/// the same work as the scoped one Identity registers; a singleton taking the scoped hasher fails the container's scope
/// validation, which stopped the app from starting in Development.
/// </summary>
public sealed class DummyPassword(Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> options)
{
    private readonly PasswordHasher<Person> _hasher = new(options);

    private string? _hash;

    public void Verify(string password)
    {
        _hash ??= _hasher.HashPassword(new Person(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        _hasher.VerifyHashedPassword(new Person(), _hash, password);
    }
}
