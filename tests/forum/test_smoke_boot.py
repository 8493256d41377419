from httpx import AsyncClient


async def test_healthz_answers_when_database_is_up(client: AsyncClient) -> None:
    r = await client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"ok": True}


async def test_api_boards_lists_default_boards(client: AsyncClient) -> None:
    r = await client.get("/api/v1/boards")
    assert r.status_code == 200
    slugs = [b["slug"] for b in r.json()["items"]]
    assert slugs == [
        "account-billing",
        "network-coverage",
        "phones-devices",
        "sim-activation",
        "lost-stolen",
        "ideas",
    ]
