from django.urls import path

from public import feeds, views
from public.http import public_page

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("news/", views.news_list, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("embed/progress/", views.embed_progress, name="embed_progress"),
    path("feed/atom/", public_page(feeds.NewsAndEventsAtom()), name="feed_atom"),
    path("feed/rss/", public_page(feeds.NewsAndEventsRss()), name="feed_rss"),
]
