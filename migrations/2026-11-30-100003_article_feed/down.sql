DROP TABLE article_feed;
