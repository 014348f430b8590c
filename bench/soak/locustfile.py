"""The soak's traffic (issue 13, Build 5): 80 % browsing and search, 15 % cart, 5 % checkout and payment.

Run through bench/soak/run.py, which starts the production-style server, creates the buyers up front and
writes their bearer tokens and addresses, with the product ids, category slugs, search words and SKUs to
buy, to the JSON file named by SOAK_FIXTURE. Each simulated user is one logged-in buyer (its own token and
cart); HTML pages are read anonymously (a browser's first visit), the JSON API as the buyer.

Every request is named by its type (the `name=`), so locust's CSV has one row per type: p50, p99, failures.
A request fails on any status but the one expected, and on a checkout whose payment is not paid.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from urllib.parse import quote

from locust import FastHttpUser, between, task

with open(os.environ["SOAK_FIXTURE"], encoding="utf-8") as fh:
    FIXTURE = json.load(fh)
BUYERS = itertools.cycle(FIXTURE["buyers"])


class Buyer(FastHttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        buyer = next(BUYERS)
        self.auth = {"Authorization": f"Bearer {buyer['token']}"}
        self.address_id = buyer["address_id"]
        self.rng = random.Random(buyer["token"])

    def _get(self, path: str, name: str, *, auth: bool = False, status: int = 200):
        with self.client.get(
            path, name=name, headers=self.auth if auth else None, catch_response=True
        ) as resp:
            if resp.status_code != status:
                resp.failure(f"{resp.status_code}: {resp.text[:200] if resp.text else ''}")
            return resp

    # --- 80 %: browsing and search -------------------------------------------------------------------------

    @task(8)
    def home(self):
        self._get("/", "page: home")

    @task(14)
    def category_page(self):
        self._get(f"/c/{self.rng.choice(FIXTURE['categories'])}/", "page: category")

    @task(14)
    def product_page(self):
        self._get(f"/p/{self.rng.choice(FIXTURE['products'])}/", "page: product")

    @task(10)
    def search_page(self):
        self._get(f"/search/?q={quote(self.rng.choice(FIXTURE['words']))}", "page: search")

    @task(12)
    def api_list(self):
        cat = self.rng.choice(FIXTURE["categories"])
        page = self.rng.choice((1, 1, 1, 2))
        self._get(f"/api/store/products?category={cat}&page={page}", "api: product list", auth=True)

    @task(12)
    def api_detail(self):
        self._get(f"/api/store/products/{self.rng.choice(FIXTURE['products'])}", "api: product", auth=True)

    @task(10)
    def api_search(self):
        word = quote(self.rng.choice(FIXTURE["words"]))
        self._get(f"/api/store/products?q={word}&sort=sales", "api: search", auth=True)

    # --- 15 %: cart ----------------------------------------------------------------------------------------

    @task(15)
    def cart(self):
        sku = self.rng.choice(FIXTURE["skus"])
        with self.client.post(
            "/api/store/cart/items",
            json={"sku_id": sku, "quantity": 1},
            headers=self.auth,
            name="cart: add",
            catch_response=True,
        ) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")
                return
        self._get("/api/store/cart", "cart: view", auth=True)
        with self.client.delete(
            f"/api/store/cart/items/{sku}", headers=self.auth, name="cart: remove", catch_response=True
        ) as resp:
            if resp.status_code != 204:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")

    # --- 5 %: checkout and payment -------------------------------------------------------------------------

    @task(5)
    def checkout(self):
        sku = self.rng.choice(FIXTURE["skus"])
        with self.client.post(
            "/api/store/cart/items",
            json={"sku_id": sku, "quantity": 1},
            headers=self.auth,
            name="checkout: add to cart",
            catch_response=True,
        ) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")
                return
        resp = self._get(
            f"/api/store/checkout/preview?address_id={self.address_id}", "checkout: preview", auth=True
        )
        if resp.status_code != 200:
            return
        preview = resp.json()
        body = {
            "from_cart": True,
            "address_id": self.address_id,
            "expected_payable_fen": preview["payable_fen"],
            "coupon_ids": preview.get("coupon_ids"),
        }
        with self.client.post(
            "/api/store/orders",
            json=body,
            headers={**self.auth, "Idempotency-Key": uuid.uuid4().hex},
            name="checkout: place order",
            catch_response=True,
        ) as resp:
            if resp.status_code != 201:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")
                return
            payment_no = resp.json()["payment_no"]
        with self.client.post(
            f"/api/store/payments/{payment_no}/sandbox-pay",
            headers=self.auth,
            name="checkout: sandbox pay",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}: {resp.text[:200]}")
            elif resp.json()["payment"]["status"] != "paid":
                resp.failure(f"payment {payment_no} is {resp.json()['payment']['status']}")
