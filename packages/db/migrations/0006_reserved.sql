-- Placeholder so that 0007 (privacy) loads on a branch where 0006 has not landed yet: the
-- loader demands numbers without gaps. It changes nothing. The lead drops this file when the
-- real 0006 is merged.
SELECT 1;
