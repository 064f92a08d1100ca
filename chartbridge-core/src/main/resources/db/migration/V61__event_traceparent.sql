-- The W3C traceparent an event was accepted under (issue #14): every later attempt, EHR call and webhook delivery
-- of the event is a span of that trace, however much later and on whichever node. Null for events accepted before
-- this version, or when tracing produced no valid context.
ALTER TABLE clinical_event ADD COLUMN traceparent text;
