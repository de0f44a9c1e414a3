from django.urls import path

from townhall.portal.views import account, following, journey, public, tracking

app_name = "portal"

urlpatterns = [
    path("", public.home, name="home"),
    path("services/", public.services, name="services"),
    path("search/", public.search, name="search"),
    path("help/<slug:slug>/", public.article, name="article"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("privacy/", public.privacy, name="privacy"),
    # Making a request
    path("services/<slug:slug>/", journey.service, name="service"),
    path("services/<slug:slug>/start/", journey.start, name="start"),
    path("services/<slug:slug>/continue/<uuid:token>/", journey.continue_draft, name="continue"),
    path("services/<slug:slug>/q/<slug:key>/", journey.question, name="question"),
    path("services/<slug:slug>/details/", journey.details, name="details"),
    path("services/<slug:slug>/check/", journey.check, name="check"),
    path("requests/<str:reference>/submitted/", journey.submitted, name="submitted"),
    path("requests/<str:reference>/pay/", journey.payment, name="payment"),
    # Tracking without an account
    path("track/", tracking.track, name="track"),
    path("track/reply/", tracking.track_reply, name="track_reply"),
    path("track/another/", tracking.track_another, name="track_another"),
    path("track/files/<uuid:public_id>/", tracking.track_file, name="track_file"),
    # The link at the end of every email to someone following a request
    path("following/stop/<str:token>/", following.stop_following, name="stop_following"),
    # My Account
    path("account/", account.account, name="account"),
    path("account/requests/", account.my_requests, name="my_requests"),
    path("account/requests/<str:reference>/", account.my_request, name="my_request"),
    path("account/requests/<str:reference>/files/<uuid:public_id>/", account.my_request_file, name="my_request_file"),
    path("account/payments/", account.my_payments, name="my_payments"),
    path("account/payments/<uuid:public_id>/", account.my_receipt, name="my_receipt"),
    path("account/profile/", account.profile, name="profile"),
    path("account/profile/details/", account.profile_details, name="profile_details"),
    path("account/profile/address/", account.profile_address, name="profile_address"),
    path("account/drafts/<uuid:token>/delete/", account.delete_draft, name="delete_draft"),
]
