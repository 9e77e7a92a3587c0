"""Online payment's pages: mounted at /payments/ (the IPN listener is /payments/sslcommerz/ipn/)."""

from django.urls import path

from . import receipt_views, views

app_name = "payments"

urlpatterns = [
    path("applications/<int:pk>/pay/", views.pay, name="pay"),
    path("<slug:gateway_name>/ipn/", views.ipn, name="ipn"),
    path("<slug:gateway_name>/return/<slug:result>/", views.return_, name="return"),
    path("attempts/<int:pk>/decide/", views.decide, name="decide"),
    path("attempts/<int:pk>/refund/", views.refund, name="refund"),
    path("<str:tran_id>/receipt/", receipt_views.receipt, name="receipt"),
    path("<str:tran_id>/receipt.pdf", receipt_views.receipt_pdf, name="receipt_pdf"),
    path("<str:tran_id>/", views.attempt_page, name="attempt"),
]
