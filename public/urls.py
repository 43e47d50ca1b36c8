from django.urls import include, path

from public import views

app_name = "public"

# Each page once: at /public/... (one district's, or with several the city's) and at
# /public/<district>/... (a district's own, with several; docs/ARCHITECTURE.md, "Public pages").
pages = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("news/", views.news_list, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("embed/progress/", views.embed_progress, name="embed_progress"),
    path("feed/atom/", views.feed_atom, name="feed_atom"),
    path("feed/rss/", views.feed_rss, name="feed_rss"),
]

urlpatterns = [
    *pages,
    path("<slug:district>/", include((pages, "district"))),
]
