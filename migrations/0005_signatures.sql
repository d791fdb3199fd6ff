-- Results of verifying the signatures found in document versions (XAdES on
-- ePUAP documents): kept with the document, shown by the API. Written once,
-- when the version is registered.
CREATE TABLE document_signatures (
	office_id    uuid NOT NULL REFERENCES offices,
	document_id  uuid NOT NULL REFERENCES documents,
	version      int  NOT NULL,
	valid        boolean NOT NULL,
	signer       text NOT NULL DEFAULT '',  -- subject of the signing certificate
	given_name   text NOT NULL DEFAULT '',  -- Profil Zaufany identity, when present
	family_name  text NOT NULL DEFAULT '',
	pesel        text NOT NULL DEFAULT '',
	signing_time timestamptz,
	problems     jsonb NOT NULL DEFAULT '[]',
	verified_at  timestamptz NOT NULL,
	PRIMARY KEY (document_id, version)
);
ALTER TABLE document_signatures ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON document_signatures USING (office_id = obieg_office()) WITH CHECK (office_id = obieg_office());
GRANT SELECT, INSERT ON document_signatures TO obieg_app;
CREATE TRIGGER document_signatures_immutable BEFORE UPDATE OR DELETE ON document_signatures
	FOR EACH ROW EXECUTE FUNCTION obieg_refuse_change();
