"""Pages: list, read, ask and edit questions, and their revision history."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forum import pagecache
from forum.actions.duplicates import check_close_as_duplicate
from forum.actions.questions import check_create_question, check_edit_question
from forum.auth import check_draft_token, form_text, read_draft, read_form
from forum.clock import utcnow
from forum.errors import NotFound, ValidationFailed
from forum.i18n import current_locale
from forum.i18n import gettext as _
from forum.member_queries import ranks
from forum.models import Board, Role, User, Visibility
from forum.permissions import (
    access_history,
    access_visible_question,
    can_accept,
    can_ask_staff,
    can_clear_acceptance,
    can_close_as_duplicate,
    can_edit_post,
    can_flag,
    can_follow,
    can_give_kudos,
    can_moderate,
    can_post,
    require,
)
from forum.queries import (
    LIST_STATES,
    SORTS,
    QuestionData,
    get_question_page,
    list_boards,
    list_questions,
    list_revisions,
    load_question,
)
from forum.search_queries import related_questions, similar_questions
from forum.validation import TAG_RE
from forum.web import redirect, render, require_viewer, templates, viewer


async def list_context(
    request: Request, board: Board | None = None, tag: str | None = None
) -> dict[str, Any]:
    params = request.query_params
    state = params.get("state") or ""
    sort = params.get("sort") or "newest"
    page = await list_questions(
        board=board, tag=tag, state=state or None, sort=sort, cursor=params.get("cursor") or None
    )
    return {"page": page, "state": state, "sort": sort, "states": LIST_STATES, "sorts": SORTS}


async def render_list(
    request: Request, board: Board | None = None, tag: str | None = None
) -> Response:
    """A list of questions: its main part is every viewer's (forum.pagecache.shared_part)."""

    async def context() -> dict[str, Any]:
        return {"board": board, "tag": tag, **await list_context(request, board, tag)}

    content = await pagecache.shared_part(request, "forum/_questions_list.html", context)
    return await render(
        request, "forum/questions_list.html", {"board": board, "tag": tag, "content": content}
    )


@pagecache.for_visitors
async def questions(request: Request) -> Response:
    return await render_list(request)


@pagecache.for_visitors
async def tagged(request: Request) -> Response:
    tag = request.path_params["tag"].lower()  # tags are kept in lower case
    if not TAG_RE.fullmatch(tag):
        raise NotFound(_("There is no tag %(tag)s.") % {"tag": repr(tag)})
    return await render_list(request, tag=tag)


@pagecache.for_visitors
async def detail(request: Request) -> Response:
    user = await viewer(request)
    qid = request.path_params["id"]
    # The question and its answers as every viewer gets them; the viewer's own marks apart.
    data = await pagecache.shared(request, ("question", qid), lambda: load_question(qid))
    page = await get_question_page(qid, user, data)
    settings = request.app.state.settings
    q = page.question
    # Every answer's author, also of those this viewer may not see: the kept heads show them all.
    every = data.answers if data is not None else page.answers
    authors = {q.author.id: q.author.role} | {a["author_id"]: a["author_role"] for a in every}
    rank_by_id = await _page_ranks(request, q.id, authors, user)
    return await render(
        request,
        "forum/questions_detail.html",
        {
            "q": q,
            "ranks": rank_by_id,
            "original": page.original,
            "can_close_duplicate": can_close_as_duplicate(
                user, rank_by_id.get(user.id) if user else None, q
            ),
            "related": await pagecache.shared(
                request, ("related", q.id, q.title), lambda: related_questions(q.id, q.title)
            ),
            # The solution first, right under the question; the others in the order written.
            "answers": sorted(page.answers, key=lambda a: a["id"] != q.accepted_answer_id),
            "answer_heads": _answer_heads(data, every, q.accepted_answer_id, rank_by_id),
            "kudos_given": page.kudos_given,
            "following": page.following,
            "can_follow": can_follow(user),
            "can_answer": can_post(user) and q.locked_at is None,
            "can_edit": can_edit_post(user, q.author_id),  # type: ignore[attr-defined]
            "can_accept": can_accept(user, q, utcnow(), settings.staff_accept_after_days),
            "can_clear": can_clear_acceptance(user, q) and q.accepted_answer_id is not None,
            "can_ask_staff": can_ask_staff(user, q),
            "can_kudos": {a["id"] for a in page.answers if can_give_kudos(user, a["author_id"])},
            "can_edit_answer": {
                a["id"] for a in page.answers if can_edit_post(user, a["author_id"])
            },
            "answer_form": {"body": ""},
            "errors": {},
            "flags": page.flags,
            "can_moderate": can_moderate(user),
            "can_flag_question": can_flag(user, q.author_id)  # type: ignore[attr-defined]
            and q.visibility == Visibility.VISIBLE,
            "can_flag_answers": {
                a["id"]
                for a in page.answers
                if can_flag(user, a["author_id"]) and a["visibility"] == Visibility.VISIBLE
            },
        },
    )


def _answer_heads(
    data: QuestionData | None,
    answers: list[dict[str, Any]],
    accepted: int | None,
    ranks: dict[int, str | None],
) -> dict[int, Markup]:
    """Each answer's head (author, rank, times) as every viewer sees it, rendered once per
    language and kept with the page's data (about a fifth of a member's question page). Without
    kept data (a question new here since it was kept as missing) they are rendered each time."""
    key = ("heads", current_locale())
    if data is not None and key in data.fragments:
        return data.fragments[key]  # type: ignore[no-any-return]
    head = templates.get_template("forum/_answer.html").module.head  # type: ignore[attr-defined]
    heads = {a["id"]: head(a, a["id"] == accepted, ranks.get(a["author_id"])) for a in answers}
    if data is not None:
        data.fragments[key] = heads
    return heads


async def _page_ranks(
    request: Request, qid: int, authors: dict[int, Role | str], user: User | None
) -> dict[int, str | None]:
    """The ranks of a question page's authors (kept for every viewer), and the viewer's own: it
    decides who may close duplicates."""
    rank_by_id: dict[int, str | None] = await pagecache.shared(
        request, ("ranks", qid, *sorted(authors)), lambda: ranks(authors)
    )
    if user is not None and user.id not in rank_by_id:
        own = await pagecache.shared(
            request, ("rank", user.id), lambda: ranks({user.id: user.role})
        )
        rank_by_id = rank_by_id | own
    return rank_by_id


async def ask_form(request: Request) -> Response:
    await require_viewer(request)
    form = {"board": request.query_params.get("board", ""), "title": "", "body": "", "tags": ""}
    return await _render_ask(request, form, {})


async def ask(request: Request) -> Response:
    user = await require_viewer(request)
    form = await read_draft(request)
    values: dict[str, Any] = {k: form_text(form, k) for k in ("board", "title", "body", "tags")}
    try:
        check_draft_token(request, form)
        if form_text(form, "check"):  # "Check for similar questions": show them, post nothing
            similar = await similar_questions(values["title"])
            return await _render_ask(request, values, {}, similar=similar)
        question = await check_create_question(acting_user=user, **values)
    except ValidationFailed as exc:
        return await _render_ask(request, values, exc.errors, status_code=exc.status)
    return redirect(request, f"/questions/{question.id}", message=_("Your question is posted."))


async def _render_ask(
    request: Request,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
    similar: list[dict[str, Any]] | None = None,
) -> Response:
    context = {"form": form, "errors": errors, "boards": await list_boards(), "similar": similar}
    return await render(request, "forum/questions_ask.html", context, status_code=status_code)


async def edit_form(request: Request) -> Response:
    user = await require_viewer(request)
    q = await access_visible_question(request.path_params["id"], user)
    require(
        can_edit_post(user, q.author_id),  # type: ignore[attr-defined]
        _("You can only edit your own questions."),
    )
    return await render(
        request,
        "forum/questions_edit.html",
        {"q": q, "form": {"title": q.title, "body": q.body}, "errors": {}},
    )


async def edit(request: Request) -> Response:
    user = await require_viewer(request)
    q = await access_visible_question(request.path_params["id"], user)
    form = await read_draft(request)
    values: dict[str, Any] = {k: form_text(form, k) for k in ("title", "body")}
    try:
        check_draft_token(request, form)
        await check_edit_question(q, acting_user=user, **values)
    except ValidationFailed as exc:
        return await render(
            request,
            "forum/questions_edit.html",
            {"q": q, "form": values, "errors": exc.errors},
            status_code=exc.status,
        )
    return redirect(request, f"/questions/{q.id}", message=_("Your edit is saved."))


async def close_as_duplicate(request: Request) -> Response:
    user = await require_viewer(request)
    q = await access_visible_question(request.path_params["id"], user)
    form = await read_form(request)
    try:
        await check_close_as_duplicate(q, form_text(form, "original"), acting_user=user)
    except ValidationFailed as exc:
        message = next(iter(exc.errors.values()))
        return redirect(request, f"/questions/{q.id}", message=message, kind="error")
    return redirect(
        request, f"/questions/{q.id}", message=_("The question is closed as a duplicate.")
    )


async def revisions(request: Request) -> Response:
    user = await viewer(request)
    q = await access_history(request.path_params["id"], user)
    rows = await list_revisions(q, user)
    return await render(request, "forum/questions_revisions.html", {"q": q, "revisions": rows})


routes = [
    Route("/questions", questions, name="questions"),
    Route("/questions/new", ask_form, methods=["GET"], name="ask"),
    Route("/questions/new", ask, methods=["POST"]),
    Route("/questions/{id:int}", detail, name="question"),
    Route("/questions/{id:int}/edit", edit_form, methods=["GET"]),
    Route("/questions/{id:int}/edit", edit, methods=["POST"]),
    Route("/questions/{id:int}/revisions", revisions),
    Route("/questions/{id:int}/duplicate", close_as_duplicate, methods=["POST"]),
    Route("/tags/{tag}", tagged, name="tag"),
]
