-- A school can deactivate a staff or parent account: it cannot sign in and its sessions end, but nothing is
-- deleted (its movements, bookings and guardianships stay), and the school can reactivate it.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
