"""The API's complaint representations are written out by hand for speed (api/serializers.py); they must stay what
DRF's generic ModelSerializer loop gives for the declared fields, key for key and in the same order, for every
role's masking and every state of a complaint. And an intake answers with the complaint as it is in memory, which
must be what reading it back gives."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.test import APIClient

from api.serializers import ComplaintDetailSerializer, ComplaintListSerializer
from complaints.models import Complaint
from complaints.selectors import complaint_detail
from complaints.volume import generate
from roles.policy import visible_complaints

pytestmark = pytest.mark.django_db

ROLE_USERS = ("operator", "kasi", "kabid", "trc-paringin", "kepala")


def _generic(serializer, instance) -> dict:
    return serializers.ModelSerializer.to_representation(serializer, instance)


@pytest.mark.parametrize("username", ROLE_USERS)
def test_written_out_representation_is_drfs(username):
    generate(250, seed=11, batch_size=250, open_each=10)
    user = get_user_model().objects.get(username=username)
    request = RequestFactory().get("/")
    request.user = user
    codes = list(visible_complaints(user).order_by("pk").values_list("code", flat=True)[:120])
    assert codes
    for code in codes:
        complaint = complaint_detail(user, code)
        for serializer_class in (ComplaintListSerializer, ComplaintDetailSerializer):
            serializer = serializer_class(complaint, context={"request": request})
            fast, generic = serializer.to_representation(complaint), _generic(serializer, complaint)
            assert list(fast) == list(generic), code
            assert json.dumps(fast, sort_keys=True) == json.dumps(generic, sort_keys=True), code


def test_intake_answer_is_what_reading_it_back_gives(channel, users, paringin, category):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {channel.raw_key}")
    body = {
        "category": category.slug, "district": paringin.slug, "description": "  Balap liar tiap malam.  ",
        "address": "Jl. Poros", "latitude": "-2.3341", "longitude": "115.4668", "incident_at": "2026-11-20T21:00:00Z",
        "reporter": {"name": "Rahmat", "phone": "081234567890"}, "external_ref": "bot-1",
    }
    created = client.post("/api/v1/complaints/", body, format="json")
    assert created.status_code == 201, created.content
    again = client.post("/api/v1/complaints/", body, format="json")  # the same external_ref: read back from the database
    assert again.status_code == 200
    assert created.json() == again.json()
    staff = APIClient()
    staff.force_authenticate(users["operator"])
    walk_in = staff.post("/api/v1/complaints/", {**body, "external_ref": ""}, format="json")
    assert walk_in.status_code == 201
    read = staff.get(f"/api/v1/complaints/{walk_in.json()['code']}/")
    assert walk_in.json() == read.json()
    assert Complaint.objects.count() == 2
