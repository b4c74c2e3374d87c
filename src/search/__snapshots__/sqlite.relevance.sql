with candidates as materialized (
      select articles.id as id, articles.published_at as published_at,
        bm25(article_search, 10.0, 4.0, 1.0) as score
      from article_search
      join articles indexed by articles_search_filter_idx on articles.id = article_search.rowid
      where article_search match ? and articles.status = 'published'
      order by article_search.rowid desc
      limit ?
    )
    select id from candidates
    order by score, published_at desc, id desc
    limit ? offset ?
-- ["\"flood\" AND \"city council\" AND \"elect\"* NOT \"storm\"",5000,10,0]
