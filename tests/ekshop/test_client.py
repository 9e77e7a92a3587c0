import pytest

from ekshop.client import ProductPush, PushReceipt, product_push


class Recorder(ProductPush):
    """A client as one for a real API would be written (here it keeps what it is given)."""

    def push(self, rows):
        self.options.setdefault("pushed", []).extend(rows)
        return PushReceipt(reference="r1", accepted=len(rows))

    def status(self, reference):
        return PushReceipt(reference=reference, accepted=len(self.options.get("pushed", [])))


def test_there_is_no_push_client_by_default():
    assert product_push() is None


def test_a_configured_client_is_made_with_its_options(settings):
    settings.EKSHOP_PUSH_CLASS = "tests.ekshop.test_client.Recorder"
    settings.EKSHOP_PUSH_OPTIONS = {"token": "t"}
    client = product_push()
    assert isinstance(client, Recorder) and client.options == {"token": "t"}
    assert client.push([["name"]]).accepted == 1


def test_a_class_that_is_not_a_push_client_is_refused(settings):
    settings.EKSHOP_PUSH_CLASS = "ekshop.client.PushReceipt"
    with pytest.raises(TypeError):
        product_push()
