from chronique.cli import main

main()
