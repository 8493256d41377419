from tortoise import migrations
from tortoise.migrations import operations as ops

# PostgreSQL: the search index moves out of `questions` into a narrow table of its own, one row
# per visible question (id, board, tsvector), kept in step by a trigger. In `questions` the
# tsvector shared rows of about 2 KB with the body and was mostly stored out of line (TOAST), so
# ranking a match meant fetching it from there; here a row is the vector itself, stored inline,
# and the search reads the newest matches backwards along the primary key or the board's index
# (forum/search_queries.py).
# SQLite: the FTS5 table of migration 0006 gets the board as a third column ("b<id>"), so that a
# search in one board is part of the MATCH instead of a join to `questions` for every match.
CONFIG = "CASE WHEN NEW.language = 'nl' THEN 'dutch'::regconfig ELSE 'english'::regconfig END"
POSTGRES = f"""
DROP INDEX IF EXISTS question_search;
ALTER TABLE questions DROP COLUMN IF EXISTS search_vector;
CREATE TABLE question_search (
    question_id INT NOT NULL PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
    board_id INT NOT NULL,
    vector TSVECTOR NOT NULL
);
CREATE FUNCTION question_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.visibility = 'visible' THEN
        INSERT INTO question_search (question_id, board_id, vector)
        VALUES (
            NEW.id,
            NEW.board_id,
            setweight(to_tsvector({CONFIG}, NEW.title), 'A')
                || setweight(to_tsvector({CONFIG}, NEW.body), 'B')
        )
        ON CONFLICT (question_id) DO UPDATE
            SET board_id = EXCLUDED.board_id, vector = EXCLUDED.vector;
    ELSE
        DELETE FROM question_search WHERE question_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER question_search_sync
    AFTER INSERT OR UPDATE OF title, body, language, board_id, visibility ON questions
    FOR EACH ROW EXECUTE FUNCTION question_search_sync();
INSERT INTO question_search (question_id, board_id, vector)
SELECT id, board_id,
       setweight(to_tsvector({CONFIG.replace("NEW.", "")}, title), 'A')
       || setweight(to_tsvector({CONFIG.replace("NEW.", "")}, body), 'B')
FROM questions WHERE visibility = 'visible' ORDER BY id;
CREATE INDEX question_search_vector ON question_search USING GIN (vector);
CREATE INDEX question_search_board ON question_search (board_id, question_id);
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS question_search_sync ON questions;
DROP FUNCTION IF EXISTS question_search_sync();
DROP TABLE IF EXISTS question_search;
ALTER TABLE questions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(CASE WHEN language = 'nl' THEN 'dutch'::regconfig
                               ELSE 'english'::regconfig END, title), 'A')
    || setweight(to_tsvector(CASE WHEN language = 'nl' THEN 'dutch'::regconfig
                                  ELSE 'english'::regconfig END, body), 'B')
) STORED;
CREATE INDEX question_search ON questions USING GIN (search_vector) WHERE visibility = 'visible';
"""


SQLITE = """
DROP TRIGGER IF EXISTS question_search_insert;
DROP TRIGGER IF EXISTS question_search_update;
DROP TRIGGER IF EXISTS question_search_delete;
DROP TABLE IF EXISTS question_search;
CREATE VIRTUAL TABLE question_search USING fts5(
    title, body, board, tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO question_search (rowid, title, body, board)
    SELECT id, title, body, 'b' || board_id FROM questions WHERE visibility = 'visible';
CREATE TRIGGER question_search_insert AFTER INSERT ON questions
WHEN new.visibility = 'visible' BEGIN
    INSERT INTO question_search (rowid, title, body, board)
    VALUES (new.id, new.title, new.body, 'b' || new.board_id);
END;
CREATE TRIGGER question_search_update AFTER UPDATE OF title, body, board_id, visibility
ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
    INSERT INTO question_search (rowid, title, body, board)
        SELECT new.id, new.title, new.body, 'b' || new.board_id WHERE new.visibility = 'visible';
END;
CREATE TRIGGER question_search_delete AFTER DELETE ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
END;
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS question_search_insert;
DROP TRIGGER IF EXISTS question_search_update;
DROP TRIGGER IF EXISTS question_search_delete;
DROP TABLE IF EXISTS question_search;
CREATE VIRTUAL TABLE question_search USING fts5(
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO question_search (rowid, title, body)
    SELECT id, title, body FROM questions WHERE visibility = 'visible';
CREATE TRIGGER question_search_insert AFTER INSERT ON questions
WHEN new.visibility = 'visible' BEGIN
    INSERT INTO question_search (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER question_search_update AFTER UPDATE OF title, body, visibility ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
    INSERT INTO question_search (rowid, title, body)
        SELECT new.id, new.title, new.body WHERE new.visibility = 'visible';
END;
CREATE TRIGGER question_search_delete AFTER DELETE ON questions BEGIN
    DELETE FROM question_search WHERE rowid = old.id;
END;
"""


def _postgres(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def forward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(POSTGRES if _postgres(schema_editor) else SQLITE)


async def backward(apps, schema_editor) -> None:
    down = POSTGRES_DOWN if _postgres(schema_editor) else SQLITE_DOWN
    await schema_editor.client.execute_script(down)


class Migration(migrations.Migration):
    dependencies = [('forum', '0008_mail')]

    initial = False

    operations = [ops.RunPython(forward, backward)]
