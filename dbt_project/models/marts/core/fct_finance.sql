{{ subject_facts('finances') }}
