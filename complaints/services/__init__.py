"""The only code that writes complaints. Each public function is one named action with its side effects."""
