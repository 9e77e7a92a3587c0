"""Errors of online payment, in English and Bangla (registrations' errors, of which these are a kind)."""

from registrations.exceptions import RegistrationError


class PaymentError(RegistrationError):
    code = "payment_error"


class OnlinePaymentOff(PaymentError):
    code = "online_payment_off"
    message_en = "Online payment is not available yet. Pay at the office or by A-Challan."
    message_bn = "অনলাইনে ফি দেওয়ার ব্যবস্থা এখনো চালু হয়নি। অফিসে বা এ-চালানে ফি দিন।"


class NotWaitingForFee(PaymentError):
    code = "not_waiting_for_fee"
    message_en = "This application is not waiting for its fee."
    message_bn = "এই আবেদনের জন্য এখন ফি দেওয়ার কিছু নেই।"


class AlreadyPaid(PaymentError):
    code = "already_paid"
    message_en = "The fee has been paid (transaction {tran_id}): nothing more to pay."
    message_bn = "ফি দেওয়া হয়েছে (লেনদেন {tran_id}): আর কিছু দিতে হবে না।"


class PaymentBeingChecked(PaymentError):
    code = "payment_being_checked"
    message_en = (
        "A payment of yours (transaction {tran_id}) is being checked by the office. Do not pay again: you "
        "will be told by SMS."
    )
    message_bn = "আপনার একটি পেমেন্ট (লেনদেন {tran_id}) অফিস যাচাই করছে। আবার টাকা দেবেন না: এসএমএসে জানানো হবে।"


class GatewayUnavailable(PaymentError):
    code = "gateway_unavailable"
    message_en = (
        "The payment gateway cannot be reached just now. No money was taken, and your application is as it "
        "was. Try again in a few minutes, or pay at the office or by A-Challan."
    )
    message_bn = (
        "পেমেন্ট গেটওয়েতে এখন যোগাযোগ করা যাচ্ছে না। কোনো টাকা কাটা হয়নি, আপনার আবেদন যেমন ছিল তেমনই আছে। "
        "কয়েক মিনিট পরে আবার চেষ্টা করুন, অথবা অফিসে বা এ-চালানে ফি দিন।"
    )


class GatewayRefused(PaymentError):
    code = "gateway_refused"
    message_en = "The payment gateway would not start the payment ({reason}). No money was taken."
    message_bn = "পেমেন্ট গেটওয়ে পেমেন্ট শুরু করেনি ({reason})। কোনো টাকা কাটা হয়নি।"


class PaymentNotFound(PaymentError):
    code = "not_found"
    message_en = "No such payment."
    message_bn = "এমন কোনো পেমেন্ট নেই।"


class NotHeld(PaymentError):
    code = "not_held"
    message_en = "This payment is not waiting for an officer's decision (it is '{state}')."
    message_bn = "এই পেমেন্টটি কর্মকর্তার সিদ্ধান্তের অপেক্ষায় নেই (অবস্থা: '{state_bn}')।"


class NotRefundable(PaymentError):
    code = "not_refundable"
    message_en = (
        "A refund is recorded only for money not accepted as the application's fee, or paid for an "
        "application withdrawn before registration. This one is '{state}'."
    )
    message_bn = (
        "শুধু ফি হিসেবে গ্রহণ না করা টাকা, অথবা নিবন্ধনের আগে প্রত্যাহার করা আবেদনের টাকা ফেরতের হিসাব "
        "রাখা যায়। এটির অবস্থা '{state_bn}'।"
    )


class RefundReasonRequired(PaymentError):
    code = "refund_reason_required"
    message_en = "Say why the money is refunded, and give the refund's reference."
    message_bn = "টাকা কেন ফেরত দেওয়া হচ্ছে তা লিখুন, এবং ফেরতের রেফারেন্স দিন।"


class DecisionRequired(PaymentError):
    code = "decision_required"
    message_en = "Choose whether to accept the payment or decline it."
    message_bn = "পেমেন্টটি গ্রহণ করবেন, নাকি নাকচ করবেন, তা বেছে নিন।"


class DeclineNotConfirmed(PaymentError):
    code = "decline_not_confirmed"
    message_en = "Nothing was declined: tick the box to confirm that the payment is declined and refunded."
    message_bn = "কিছুই নাকচ করা হয়নি: পেমেন্টটি নাকচ করে টাকা ফেরত দিতে চাইলে নিশ্চিত করার ঘরে টিক দিন।"
