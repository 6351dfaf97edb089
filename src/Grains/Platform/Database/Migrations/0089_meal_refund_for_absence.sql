-- A meal refunded because a guardian reported the pupil absent that day.
ALTER TABLE meal_bookings DROP CONSTRAINT meal_bookings_refund_reason_check;
ALTER TABLE meal_bookings ADD CONSTRAINT meal_bookings_refund_reason_check
    CHECK (refund_reason IN ('cancelled_by_guardian', 'day_closed', 'article_withdrawn', 'pupil_absent'));
