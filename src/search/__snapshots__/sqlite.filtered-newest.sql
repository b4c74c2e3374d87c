select articles.id as id from article_search
      join articles indexed by articles_search_filter_idx on articles.id = article_search.rowid
      where article_search match ? and articles.status = 'published' and exists (select 1 from article_categories where article_categories.article_id = articles.id and article_categories.category_id = ?) and articles.published_at >= ? and articles.published_at < ?
      order by articles.published_at desc, articles.id desc
      limit ? offset ?
-- ["\"flood\" AND \"city council\" AND \"elect\"* NOT \"storm\"",4,"2026-01-01T00:00:00.000Z","2026-02-01T00:00:00.000Z",10,20]
