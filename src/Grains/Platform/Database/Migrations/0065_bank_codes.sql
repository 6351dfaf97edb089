-- Bank statement messages become codes with arguments (see BankMessage.cs), rendered in the reader's language:
-- a refused import's problem and a refused movement's decline were French sentences. The sentences written by
-- earlier versions are read back into codes here; one that matches no known sentence is kept as it was written
-- (code AsWritten), so nothing is lost. A manager's own reason for setting a movement aside stays text.

CREATE FUNCTION pg_temp.message(code text, VARIADIC arguments jsonb[] DEFAULT '{}') RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('code', code, 'arguments', coalesce(to_jsonb(arguments), '[]'::jsonb))
$$;

CREATE FUNCTION pg_temp.text_argument(value text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_build_object('k', 't', 'v', value) $$;

CREATE FUNCTION pg_temp.number_argument(value text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_build_object('k', 'n', 'v', value::bigint) $$;

-- The readers wrote amounts as "-1021,74 €".
CREATE FUNCTION pg_temp.cents_argument(value text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_build_object('k', 'c', 'v', replace(value, ',', '')::bigint) $$;

CREATE FUNCTION pg_temp.term_argument(term jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_build_object('k', 'm', 'v', term) $$;

CREATE FUNCTION pg_temp.bank_place(place text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[];
BEGIN
    IF place = 'fichier' THEN
        RETURN pg_temp.message('Where.File');
    ELSIF place = 'connexion interrompue' THEN
        RETURN pg_temp.message('Where.Connection');
    ELSIF place = 'BkToCstmrStmt' THEN
        RETURN pg_temp.message('Where.Element', pg_temp.text_argument(place));
    END IF;
    m := regexp_match(place, '^ligne (\d+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Where.Line', pg_temp.number_argument(m[1]));
    END IF;
    m := regexp_match(place, '^ligne (\d+), position (\d+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Where.Position', pg_temp.number_argument(m[1]), pg_temp.number_argument(m[2]));
    END IF;
    m := regexp_match(place, '^ligne (\d+), élément (\S+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Where.ElementAt', pg_temp.number_argument(m[1]), pg_temp.text_argument(m[2]));
    END IF;
    m := regexp_match(place, '^élément (\S+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Where.Element', pg_temp.text_argument(m[1]));
    END IF;
    m := regexp_match(place, '^relevé n° (\d+) du compte (\S+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Where.Statement', pg_temp.number_argument(m[1]), pg_temp.text_argument(m[2]));
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION pg_temp.bank_reason(reason text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    amount constant text := '(-?\d+,\d\d) €';
    m text[];
BEGIN
    CASE reason
        WHEN 'le fichier est vide' THEN RETURN pg_temp.message('Coda.Empty');
        WHEN 'fichier tronqué : le relevé n''a pas d''enregistrement final (9)' THEN RETURN pg_temp.message('Coda.Truncated');
        WHEN 'fichier encodé en UTF-16 : un fichier CODA est en texte simple (Latin-1 ou UTF-8)',
             'fichier encodé en UTF-16 : CODA est en texte simple (Latin-1 ou UTF-8)' THEN RETURN pg_temp.message('Coda.Utf16');
        WHEN 'ligne sans fin : ce n''est pas un fichier CODA' THEN RETURN pg_temp.message('Coda.EndlessLine');
        WHEN 'format inconnu : un fichier CODA (enregistrement 0 en tête) ou un XML camt.053 est attendu' THEN RETURN pg_temp.message('File.UnknownFormat');
        WHEN 'élément BkToCstmrStmt manquant' THEN RETURN pg_temp.message('Camt.MissingStatementList');
        WHEN 'le fichier ne contient aucun relevé (Stmt)' THEN RETURN pg_temp.message('Camt.NoStatement');
        WHEN 'solde de clôture (Bal de type CLBD) manquant' THEN RETURN pg_temp.message('Camt.MissingClosing');
        WHEN 'compte du relevé (Acct/Id/IBAN) manquant' THEN RETURN pg_temp.message('Camt.MissingAccount');
        WHEN 'numéro de relevé (ElctrncSeqNb ou LglSeqNb) manquant' THEN RETURN pg_temp.message('Camt.MissingNumber');
        WHEN 'solde d''ouverture (Bal de type OPBD) manquant' THEN RETURN pg_temp.message('Camt.MissingOpening');
        WHEN 'référence de la banque (AcctSvcrRef) manquante' THEN RETURN pg_temp.message('Camt.MissingReference');
        WHEN 'montant (Amt) manquant' THEN RETURN pg_temp.message('Camt.MissingAmount');
        WHEN 'ce relevé a déjà été importé avec un autre contenu' THEN RETURN pg_temp.message('History.ChangedContent');
        WHEN 'aperçu abandonné : il n''a pas été appliqué dans les 24 heures ; envoyez à nouveau le fichier' THEN RETURN pg_temp.message('Import.AbandonedPreview');
        WHEN 'rien n''a été enregistré ; envoyez à nouveau le fichier' THEN RETURN pg_temp.message('Import.Abandoned');
        ELSE NULL;
    END CASE;
    m := regexp_match(reason, '^l''enregistrement fait (\d+) caractères au lieu de (\d+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.WrongLength', pg_temp.number_argument(m[1]), pg_temp.number_argument(m[2]));
    END IF;
    m := regexp_match(reason, '^ancien solde ' || amount || ' \+ crédits ' || amount || ' − débits ' || amount || ' = ' || amount ||
                              ', mais le nouveau solde est ' || amount || '$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.Balance', pg_temp.cents_argument(m[1]), pg_temp.cents_argument(m[2]), pg_temp.cents_argument(m[3]),
                               pg_temp.cents_argument(m[4]), pg_temp.cents_argument(m[5]));
    END IF;
    m := regexp_match(reason, '^solde d''ouverture ' || amount || ' \+ crédits ' || amount || ' − débits ' || amount || ' = ' || amount ||
                              ', mais le solde de clôture est ' || amount || '$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Camt.Balance', pg_temp.cents_argument(m[1]), pg_temp.cents_argument(m[2]), pg_temp.cents_argument(m[3]),
                               pg_temp.cents_argument(m[4]), pg_temp.cents_argument(m[5]));
    END IF;
    m := regexp_match(reason, '^l''enregistrement final annonce (\d+) enregistrements, le relevé en compte (\d+)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.TrailerCount', pg_temp.number_argument(m[1]), pg_temp.number_argument(m[2]));
    END IF;
    m := regexp_match(reason, '^total des (débits|crédits|mouvements) annoncé ' || amount || ', calculé ' || amount || '$');
    IF m IS NOT NULL THEN
        -- The CODA reader and the camt reader wrote the same sentence for their totals; the camt codes cover both.
        RETURN pg_temp.message('Camt.Summary',
            pg_temp.term_argument(pg_temp.message(CASE m[1] WHEN 'débits' THEN 'Camt.Field.Debits' WHEN 'crédits' THEN 'Camt.Field.Credits'
                                                             ELSE 'Camt.Field.Entries' END)),
            pg_temp.cents_argument(m[2]), pg_temp.cents_argument(m[3]));
    END IF;
    m := regexp_match(reason, '^mouvement n° (\d+) après le n° (\d+) : ');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.SequenceOrder', pg_temp.number_argument(m[1]), pg_temp.number_argument(m[2]));
    END IF;
    m := regexp_match(reason, '^référence bancaire du mouvement n° (\d+) manquante$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.MissingReference', pg_temp.number_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^communication structurée (.*) invalide \(contrôle modulo 97\)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.InvalidCommunication', pg_temp.text_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^type d''enregistrement « (.*) » inconnu$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Coda.UnknownRecord', pg_temp.text_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^XML illisible \((.*)\)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('Camt.UnreadableXml', pg_temp.text_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^fichier trop volumineux \(plus de (\d+) Mo\)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('File.TooLarge', pg_temp.number_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^il est antérieur au dernier relevé importé \(n° (\d+)\)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('History.Earlier', pg_temp.number_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^le dernier relevé importé pour ce compte est le n° (\d+) : il manque un ou plusieurs relevés entre les deux$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('History.Gap', pg_temp.number_argument(m[1]));
    END IF;
    m := regexp_match(reason, '^le solde d''ouverture ' || amount || ' ne suit pas le solde de clôture du relevé n° (\d+) \(' || amount || '\)$');
    IF m IS NOT NULL THEN
        RETURN pg_temp.message('History.Opening', pg_temp.cents_argument(m[1]), pg_temp.number_argument(m[2]), pg_temp.cents_argument(m[3]));
    END IF;
    RETURN pg_temp.message('AsWritten', pg_temp.text_argument(reason));
END
$$;

-- The readers wrote "<where> : <reason>"; a text whose start is no known place is kept whole, with no place.
CREATE FUNCTION pg_temp.bank_problem(problem text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    separator integer := strpos(problem, ' : ');
    place jsonb;
BEGIN
    IF problem IS NULL THEN
        RETURN NULL;
    END IF;
    IF separator > 0 THEN
        place := pg_temp.bank_place(left(problem, separator - 1));
    END IF;
    IF place IS NULL THEN
        RETURN jsonb_build_object('where', NULL, 'reason', pg_temp.message('AsWritten', pg_temp.text_argument(problem)));
    END IF;
    RETURN jsonb_build_object('where', place, 'reason', pg_temp.bank_reason(substr(problem, separator + 3)));
END
$$;

ALTER TABLE bank_imports ALTER COLUMN problem TYPE jsonb USING pg_temp.bank_problem(problem);

-- Why a wallet or an invoice refused a movement (it then waits in "À traiter"); reason keeps the manager's words.
ALTER TABLE bank_movements ADD COLUMN decline jsonb;

UPDATE bank_movements SET
    decline = CASE
        WHEN reason = 'La facture a refusé le paiement.' THEN pg_temp.message('Decline.Invoice')
        WHEN reason ~ '^Refusé par le portefeuille \(.*\)\.$'
            THEN pg_temp.message('Decline.Wallet', pg_temp.text_argument((regexp_match(reason, '^Refusé par le portefeuille \((.*)\)\.$'))[1]))
        ELSE pg_temp.message('AsWritten', pg_temp.text_argument(reason))
    END,
    reason = NULL
WHERE reason IS NOT NULL
  AND (status = 'to_resolve' OR reason = 'La facture a refusé le paiement.' OR reason ~ '^Refusé par le portefeuille \(.*\)\.$');

DROP FUNCTION pg_temp.bank_problem(text);
DROP FUNCTION pg_temp.bank_reason(text);
DROP FUNCTION pg_temp.bank_place(text);
DROP FUNCTION pg_temp.term_argument(jsonb);
DROP FUNCTION pg_temp.cents_argument(text);
DROP FUNCTION pg_temp.number_argument(text);
DROP FUNCTION pg_temp.text_argument(text);
DROP FUNCTION pg_temp.message(text, jsonb[]);
