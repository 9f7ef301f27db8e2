using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Infrastructure.Http;

/// <summary>Query-string paging: <c>page</c> from 1, <c>pageSize</c> 1–200 (default 50).</summary>
public sealed record PageQuery(int? Page, int? PageSize) : IValidatable
{
    public const int MaxPageSize = 200;

    public int PageNumber => Page ?? 1;

    public int Size => PageSize ?? 50;

    public void Validate(Validator v)
    {
        var pageOk = v.Check(Page is null or >= 1, "page", "Must be 1 or more.");
        var sizeOk = v.Check(PageSize is null or >= 1 and <= MaxPageSize, "pageSize", $"Must be between 1 and {MaxPageSize}.");

        // The offset (page - 1) * pageSize must fit the int the query takes, or it wraps negative and the database
        // refuses it with a 500.
        if (pageOk && sizeOk)
        {
            v.Check((long)(PageNumber - 1) * Size <= int.MaxValue, "page", $"Too large for a page size of {Size}: at most {(int.MaxValue / Size) + 1}.");
        }
    }
}

/// <summary>A page of results with the total count of the filtered set.</summary>
public sealed record Paged<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

public static class PagingExtensions
{
    /// <summary>Counts and fetches one page; <paramref name="query"/> must already be ordered.</summary>
    public static async Task<Paged<TOut>> ToPagedAsync<TIn, TOut>(
        this IQueryable<TIn> query, PageQuery paging, Func<TIn, TOut> map, CancellationToken ct)
    {
        var total = await query.CountAsync(ct);
        var items = await query.Skip(checked((paging.PageNumber - 1) * paging.Size)).Take(paging.Size).ToListAsync(ct);
        return new Paged<TOut>(items.Select(map).ToList(), paging.PageNumber, paging.Size, total);
    }
}
